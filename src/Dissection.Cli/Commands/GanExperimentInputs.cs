// What the GAN experiment verbs share: a stored generator run (--run) gives the generator, the segmenter, the layer
// and the concept's units ranked by IoU; bad ids, layers and concepts are reported in one line.
using Dissection.Core.Datasets;
using Dissection.Core.Generation;
using Dissection.Core.Models;
using Dissection.Core.Storage;

namespace Dissection.Cli.Commands;

internal sealed record GanExperimentInputs(ResultsStore Store, long RunId, GanSampleSet Samples, ProgressiveGenerator Generator,
    LoadedSegmenter Segmenter, string Layer, Concept Concept, IReadOnlyList<ConceptUnit> Units) : IDisposable
{
    public const string CommonUsage = $"""
          --run ID              a stored generator run (from `dissect run --dataset z:SEED:COUNT`) (required)
          --db PATH             results database (default {ResultsStore.DefaultPath})
          --layer L             a dissected layer of the run (default: the run's first layer)
          --concept NAME        the concept (default: tree if the layer has tree detectors, else the object concept
                                with the most detectors)
          --segmenter SPEC      measure with this segmenter instead of the run's
          --samples N           latents measured
          --seed S              seed of the measured latents (default: the run's seed + 1, i.e. samples the run did not see)
        """;

    /// <summary>The options of <see cref="CommonUsage"/>; the caller reads its own options, then calls EnsureAllUsed.</summary>
    internal sealed record Options(long RunId, string Db, string? Layer, string? Concept, string? Segmenter, int Samples, string? Seed);

    public static Options ReadOptions(Args args, int defaultSamples)
    {
        var o = new Options(args.Long("run") ?? throw new ArgsException("--run is required"), args.String("db", ResultsStore.DefaultPath),
            args.String("layer"), args.String("concept"), args.String("segmenter"), args.Int("samples", defaultSamples), args.String("seed"));
        if (o.Samples < 1) throw new ArgsException($"--samples must be at least 1, got {o.Samples}");
        return o;
    }

    public static GanExperimentInputs Open(Options o, int maxUnits) => Open(o.Db, o.RunId, o.Layer, o.Concept, o.Segmenter, maxUnits);

    /// <summary>The measured latents' seed: --seed, else the run's seed + 1 (samples the dissection did not see).</summary>
    public long MeasuredSeed(string? seedText) => seedText is null ? Math.Min(Samples.Seed + 1, ZSpec.MaxSeed) : ZSpec.CheckSeed(seedText);

    public static GanExperimentInputs Open(string db, long runId, string? layer, string? concept, string? segmenterSpec, int maxUnits)
    {
        if (!File.Exists(db)) throw new FileNotFoundException($"no results database at {Path.GetFullPath(db)}");
        var store = ResultsStore.Open(db);
        try
        {
            var run = store.GetRun(runId) ?? throw new ArgsException($"--run: run {runId} does not exist in {store.FilePath}");
            var samples = store.GetGanRun(runId) ?? throw new ArgsException($"--run: run {runId} ({run.Name}) is not a generator run");
            layer ??= run.Layers[0];
            if (!run.Layers.Contains(layer)) throw new ArgsException($"--layer: run {runId} has no layer '{layer}'; its layers are {string.Join(", ", run.Layers)}");
            var units = store.GetUnitSummaries(runId, layer);
            if (units.Count == 0) throw new ArgsException($"--layer: layer '{layer}' of run {runId} is not saved (did the run finish?)");
            concept ??= DefaultConcept(units, run.Settings.IouThreshold)
                        ?? throw new ArgsException($"layer '{layer}' of run {runId} has no object detectors; name a --concept");
            var ranked = store.GetConceptUnits(runId, layer, concept, maxUnits);
            if (ranked.Count == 0) throw new ArgsException($"--concept: no unit of layer '{layer}' overlaps '{concept}' (IoU 0)");
            var generator = GeneratorSpec.Load(samples.Generator);
            generator.eval();
            var segmenter = SegmenterSpec.Load(segmenterSpec ?? samples.Segmenter);
            return new GanExperimentInputs(store, runId, samples, generator, segmenter, layer, segmenter.Find(concept), ranked);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>"tree" when some unit of the layer is a tree detector (the paper's choice), else the object concept that
    /// labels the most detectors; null when the layer has no object detectors.</summary>
    internal static string? DefaultConcept(IReadOnlyList<UnitSummary> units, double iouThreshold)
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
