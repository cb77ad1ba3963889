// What the GAN causal experiments share (the CLI verbs gan-removal, gan-context and gan-paint, the GanCausal job kind): a
// stored generator run gives the generator, the segmenter, the layer and the concept's units ranked by IoU; bad
// ids, layers and concepts are reported in one line naming the field (run, layer, concept).
using Dissection.Core.Datasets;
using Dissection.Core.Gan;
using Dissection.Core.Models;
using Dissection.Core.Work;

namespace Dissection.Core.Storage;

public sealed record GanExperimentInputs(ResultsStore Store, long RunId, GanSampleSet Samples, ProgressiveGenerator Generator,
    LoadedSegmenter Segmenter, string Layer, Concept Concept, IReadOnlyList<ConceptUnit> Units) : IDisposable
{
    /// <summary>The measured latents' seed: --seed, else the run's seed + 1 (samples the dissection did not see).</summary>
    public long MeasuredSeed(string? seedText) => seedText is null ? Math.Min(Samples.Seed + 1, ZSpec.MaxSeed) : ZSpec.CheckSeed(seedText);

    /// <param name="root">Relative paths the run stored (generator, segmenter) are resolved against this folder.</param>
    public static GanExperimentInputs Open(string db, long runId, string? layer, string? concept, string? segmenterSpec, int maxUnits,
        string? root = null)
    {
        if (!File.Exists(db)) throw new FileNotFoundException($"no results database at {Path.GetFullPath(db)}");
        root ??= Directory.GetCurrentDirectory();
        var store = ResultsStore.Open(db);
        try
        {
            var run = store.Runs.GetRun(runId) ?? throw new JobParameterException("run", $"Run {runId} does not exist.");
            var samples = store.Gan.GetGanRun(runId) ?? throw new JobParameterException("run", $"Run {runId} ({run.Name}) is not a generator run.");
            layer ??= run.Layers[0];
            if (!run.Layers.Contains(layer)) throw new JobParameterException("layer", $"Run {runId} has no layer '{layer}'; its layers are {string.Join(", ", run.Layers)}.");
            var units = store.Layers.GetUnitSummaries(runId, layer);
            if (units.Count == 0) throw new JobParameterException("layer", $"Layer '{layer}' of run {runId} is not saved (did the run finish?).");
            concept ??= DefaultConcept(units, run.Settings.IouThreshold)
                        ?? throw new JobParameterException("concept", $"Layer '{layer}' of run {runId} has no object detectors; name a concept.");
            var ranked = store.Gan.GetConceptUnits(runId, layer, concept, maxUnits);
            if (ranked.Count == 0) throw new JobParameterException("concept", $"No unit of layer '{layer}' overlaps '{concept}' (IoU 0).");
            var generator = GeneratorSpec.Load(StoredRunModel.Spec(samples.Generator, root).ToString());
            generator.eval();
            var segmenter = SegmenterSpec.Load(SegmenterPath(segmenterSpec ?? samples.Segmenter, root));
            return new GanExperimentInputs(store, runId, samples, generator, segmenter, layer, segmenter.Find(concept), ranked);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>world-seg:PATH (or a bare PATH) with PATH resolved against the root.</summary>
    public static string SegmenterPath(string spec, string root)
    {
        var colon = spec.IndexOf(':');
        var path = colon > 0 && !File.Exists(spec) ? spec[(colon + 1)..].Trim() : spec.Trim();
        return StoredRunModel.ResolvePath(root, path);
    }

    /// <summary>"tree" when some unit of the layer is a tree detector (the paper's choice), else the object concept that
    /// labels the most detectors; null when the layer has no object detectors.</summary>
    public static string? DefaultConcept(IReadOnlyList<UnitSummary> units, double iouThreshold)
    {
        var objects = units.Where(u => u.IsDetector(iouThreshold) && u.Label!.Category == "object").ToList();
        if (objects.Any(u => u.Label!.Name == "tree")) return "tree";
        return objects.GroupBy(u => u.Label!.Name).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key).FirstOrDefault();
    }

    public void Dispose()
    {
        Generator.Dispose();
        Segmenter.Dispose();
        Store.Dispose();
    }
}
