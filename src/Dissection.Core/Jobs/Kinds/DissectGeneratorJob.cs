// Job kind DissectGenerator: dissects layers of a generator on its own samples (z:SEED:COUNT). The samples are
// generated and segmented into a cached Broden folder (reused when it is complete), dissected by the ordinary
// pipeline, and stored as a run plus its GAN record. Resumable like a classifier dissection: stored layers are kept.
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Gan;
using Dissection.Core.Models;
using Dissection.Core.Storage;
using Dissection.Core.Work;

namespace Dissection.Core.Jobs.Kinds;

/// <param name="Model">proggan:CHECKPOINT.</param>
/// <param name="Z">z:SEED:COUNT, the latents.</param>
/// <param name="Segmenter">world-seg:PATH, labels the samples.</param>
/// <param name="Samples">Where the samples are written and cached (default data/gan/NAME-seedS-nN).</param>
/// <param name="SegSize">Segmentation side (default min(64, image size)).</param>
public sealed record DissectGeneratorParameters(string Model, string Z, string Segmenter, IReadOnlyList<string> Layers,
    DissectionSettings Settings, string? Samples = null, int? SegSize = null);

public sealed class DissectGeneratorJob : JobHandler<DissectGeneratorParameters>
{
    public override JobKind Kind => JobKind.DissectGenerator;

    /// <summary>The samples folder as stored (relative when the parameters gave it relative).</summary>
    public static string SamplesFolder(DissectGeneratorParameters p)
    {
        var z = ZSpec.Parse(p.Z);
        return p.Samples ?? GanSamples.DefaultFolder(p.Model, z.Seed, z.Count);
    }

    /// <summary>Records the run the job will fill, queued; its dataset is the samples folder (galleries read the
    /// generated images from it).</summary>
    public static long CreateRun(ResultsStore store, DissectGeneratorParameters p, string? name) =>
        store.Runs.CreateRun(string.IsNullOrWhiteSpace(name) ? DefaultName(p) : name.Trim(), p.Model.Trim(), SamplesFolder(p), p.Layers,
            p.Settings with { Split = null });

    public static string DefaultName(DissectGeneratorParameters p) =>
        $"{Path.GetFileNameWithoutExtension(ModelSpec.Parse(p.Model).Checkpoint)} on {p.Z}: {string.Join(",", p.Layers)}";

    protected override void Validate(DissectGeneratorParameters p, string root)
    {
        if (string.IsNullOrWhiteSpace(p.Model)) throw new JobParameterException("model", "Choose a generator.");
        ModelSpec spec;
        try { spec = StoredRunModel.Spec(p.Model, root); }
        catch (ArgumentException e) { throw new JobParameterException("model", e.Message); }
        if (!string.Equals(spec.Arch, GeneratorSpec.Arch, StringComparison.OrdinalIgnoreCase) || spec.Checkpoint is null)
            throw new JobParameterException("model", $"A z dataset needs a generator: {GeneratorSpec.Arch}:PATH, got '{p.Model}'.");
        if (!File.Exists(spec.Checkpoint))
            throw new JobParameterException("checkpoint", $"The checkpoint '{ModelSpec.Parse(p.Model).Checkpoint}' does not exist.");
        try { ZSpec.Parse(p.Z ?? ""); }
        catch (ArgumentException e) { throw new JobParameterException("z", e.Message); }
        if (string.IsNullOrWhiteSpace(p.Segmenter)) throw new JobParameterException("segmenter", "Choose a segmenter (world-seg:PATH).");
        if (!File.Exists(GanExperimentInputs.SegmenterPath(p.Segmenter, root)))
            throw new JobParameterException("segmenter", $"The segmenter '{p.Segmenter}' does not exist.");
        if (p.SegSize is < 1) throw new JobParameterException("seg-size", $"The segmentation size must be at least 1 (got {p.SegSize}).");
        DissectionJobs.ValidateLayers(p.Layers);
        (p.Settings ?? throw new JobParameterException("settings", "The settings are missing.")).Validate();
        if (p.Settings.Split is not null) throw new JobParameterException("split", "A split does not apply to a z dataset (use a smaller COUNT).");
    }

    protected override void Execute(JobContext context, DissectGeneratorParameters p)
    {
        using var store = context.OpenStore();
        var runId = context.RunId ?? CreateRun(store, p, null);
        if (context.RunId is null) context.AttachRun(runId);
        var run = store.Runs.GetRun(runId) ?? throw new InvalidOperationException($"Run {runId} was deleted.");
        var z = ZSpec.Parse(p.Z);
        DissectionJobs.DissectMissingLayers(context, store, run, p.Layers, missing =>
        {
            context.Report("loading the generator", 0, 0);
            var generator = GeneratorSpec.Load(StoredRunModel.Spec(p.Model, context.Root).ToString());
            try
            {
                generator.eval();
                var known = generator.Layout.BlockNames;
                if (missing.FirstOrDefault(l => !known.Contains(l)) is { } bad)
                    throw new JobParameterException("layers", $"'{bad}' is not a layer of {p.Model}; its layers are {string.Join(", ", known)}.");
                using var segmenter = SegmenterSpec.Load(GanExperimentInputs.SegmenterPath(p.Segmenter, context.Root));
                var folder = SamplesFolder(p);
                var samples = GanSamples.Materialize(generator, p.Model, segmenter, z.Seed, z.Count, context.Resolve(folder), p.SegSize,
                    Math.Min(p.Settings.BatchSize, 32), context.DissectionProgress(), context.Cancel);
                var dataset = ConceptDataset.Open(samples.Folder);
                // Stored as given, so a relative data/gan/... keeps working when the repository moves.
                samples = samples with { Folder = folder, Segmenter = p.Segmenter };
                using var latents = ZDataset.FromSeed(generator.ZDim, z.Seed, z.Count);
                var results = GeneratorDissection.Execute(generator, dataset, latents, missing, p.Settings, context.DissectionProgress(),
                    context.Cancel, context.CacheFolder);
                store.Gan.SaveGanRun(runId, samples);
                return (results, layer => store.Gan.SaveDissectedLayer(runId, layer, p.Settings.TopConcepts));
            }
            finally
            {
                generator.Dispose();
            }
        });
    }
}
