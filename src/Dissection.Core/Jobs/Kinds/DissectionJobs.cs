// What the two dissection job kinds share: the layer check, and the resumable save (only the layers a run has not
// stored yet are dissected, each saved in its own transaction, the run marked done with its image count last).
using Dissection.Core.Dissection;
using Dissection.Core.Storage;
using Dissection.Core.Work;

namespace Dissection.Core.Jobs.Kinds;

internal static class DissectionJobs
{
    public static void ValidateLayers(IReadOnlyList<string>? layers)
    {
        if (layers is null || layers.Count == 0) throw new JobParameterException("layers", "Choose at least one layer.");
        if (layers.Any(string.IsNullOrWhiteSpace)) throw new JobParameterException("layers", "A layer name is empty.");
        if (layers.Distinct(StringComparer.Ordinal).Count() != layers.Count) throw new JobParameterException("layers", "A layer is named twice.");
    }

    /// <param name="dissect">Dissects the given missing layers; returns the results and how to save one.</param>
    public static void DissectMissingLayers(JobContext context, ResultsStore store, RunInfo run, IReadOnlyList<string> layers,
        Func<IReadOnlyList<string>, (IReadOnlyList<LayerResult> Results, Action<LayerResult> Save)> dissect)
    {
        var stored = store.Layers.GetLayers(run.Id).ToDictionary(l => l.Layer, StringComparer.Ordinal);
        var missing = layers.Where(l => !stored.ContainsKey(l)).ToList();
        var images = stored.Values.FirstOrDefault()?.Images ?? 0;
        string? note = null;
        if (missing.Count > 0)
        {
            if (stored.Count > 0) note = $"Resumed: kept {stored.Count} finished layer(s), dissected {missing.Count}.";
            var (results, save) = dissect(missing);
            context.Report("saving", 0, results.Count);
            for (var i = 0; i < results.Count; i++)
            {
                // Between layers, a stop keeps what is saved: the resumed job dissects only the rest.
                context.Cancel.ThrowIfCancellationRequested();
                save(results[i]);
                context.Report("saving", i + 1, results.Count);
            }
            images = results[0].Images;
            if (results[0].SkippedImages.Count is > 0 and var skipped)
                note = (note is null ? "" : note + " ") +
                       $"{skipped} unreadable image(s) skipped (picture or mask), e.g. {results[0].SkippedImages[0]}.";
        }
        store.Runs.SetStatus(run.Id, RunStatus.Done, note, images);
        context.Note = note;
    }
}
