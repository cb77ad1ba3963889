// Data for the /compare page: resolves each side's "RUN:LAYER" to its stored units, or to a message saying why it
// cannot be shown (bad syntax, unknown run, unknown layer), and lists what the pickers offer.
using Dissection.Core.Storage;
using Dissection.Dashboard.Gallery;

namespace Dissection.Dashboard.Services;

/// <summary>One side of a comparison. Exactly one of Units and Problem is set once a side was asked for.</summary>
public sealed record CompareSide(LayerRef? Ref, RunInfo? Run, IReadOnlyList<GalleryUnit>? Units, string? Problem)
{
    public bool Ready => Units is not null;
}

public sealed class CompareService(ResultsService results)
{
    /// <summary>Runs that have at least one stored layer (finished ones, and running ones with saved layers), newest first.</summary>
    public async Task<IReadOnlyList<RunInfo>> ListRunsAsync() =>
        (await results.ListRunsAsync()).Where(r => r.Status is RunStatus.Done or RunStatus.Running)
            .OrderByDescending(r => r.Id).ToList();

    public async Task<IReadOnlyList<string>> LayerNamesAsync(RunInfo run) => await results.GetLayerNamesAsync(run);

    /// <param name="side">"a" or "b", for the message.</param>
    public async Task<CompareSide> LoadAsync(string side, string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return new CompareSide(null, null, null, null);
        if (!LayerRef.TryParse(text, out var r, out var problem))
            return new CompareSide(null, null, null, $"Side {side}: {problem}.");
        var run = await results.GetRunAsync(r!.Run);
        if (run is null) return new CompareSide(r, null, null, $"Side {side}: there is no run #{r.Run} in this results database.");
        var units = await results.GetUnitsAsync(run, r.Layer);
        if (units is null)
        {
            var layers = await results.GetLayerNamesAsync(run);
            var known = layers.Count == 0 ? "it has no stored layers yet" : "its layers are " + string.Join(", ", layers);
            return new CompareSide(r, run, null, $"Side {side}: run #{run.Id} ({run.Name}) has no results for a layer named '{r.Layer}'; {known}.");
        }
        return new CompareSide(r, run, units, null);
    }
}
