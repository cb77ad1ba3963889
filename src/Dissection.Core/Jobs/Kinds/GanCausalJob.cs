// Job kind GanCausal: the two causal experiments of GAN dissection on a stored generator run, for one concept of one
// layer: the removal curve (zero the concept's top 0..K units, measure what remains) and the context dependence of
// insertion (switch its top units on at each cell, measure the added area per context). Both are stored with the
// run; a resumed job skips an experiment that was stored for the same layer and concept after the job started.
using Dissection.Core.Gan;
using Dissection.Core.Work;
using Dissection.Core.Storage;

namespace Dissection.Core.Jobs.Kinds;

/// <param name="RunId">A generator run (dissect run --dataset z:SEED:COUNT).</param>
/// <param name="Layer">A dissected layer of it; null = the run's first layer.</param>
/// <param name="Concept">null = tree if the layer has tree detectors, else the object concept with the most detectors.</param>
/// <param name="RemovalSamples">Latents the removal curve measures (0 = skip it).</param>
/// <param name="MaxUnits">The removal curve's largest k.</param>
/// <param name="ContextSamples">Latents the context experiment measures (0 = skip it); each runs one edit per cell.</param>
/// <param name="ContextUnits">How many of the concept's top units are switched on.</param>
/// <param name="Seed">Seed of the measured latents; null = the run's seed + 1 (samples the dissection did not see).</param>
/// <param name="Segmenter">Measure with this segmenter (world-seg:PATH) instead of the run's; null = the run's.</param>
public sealed record GanCausalParameters(long RunId, string? Layer = null, string? Concept = null, int RemovalSamples = 500,
    int MaxUnits = 30, int ContextSamples = 100, int ContextUnits = 20, long? Seed = null, int Batch = 8, string? Segmenter = null);

public sealed class GanCausalJob : JobHandler<GanCausalParameters>
{
    public override JobKind Kind => JobKind.GanCausal;

    public static string Title(GanCausalParameters p) =>
        $"GAN causal experiments: {p.Concept ?? "default concept"} in {p.Layer ?? "first layer"} of run {p.RunId}";

    protected override void Validate(GanCausalParameters p, string root)
    {
        if (p.RunId < 1) throw new JobParameterException("run", "Choose a generator run.");
        if (p.RemovalSamples is < 0 or > 100_000) throw new JobParameterException("removal-samples", $"Removal samples must be between 0 and 100000 (got {p.RemovalSamples}).");
        if (p.ContextSamples is < 0 or > 100_000) throw new JobParameterException("context-samples", $"Context samples must be between 0 and 100000 (got {p.ContextSamples}).");
        if (p.RemovalSamples == 0 && p.ContextSamples == 0) throw new JobParameterException("removal-samples", "Measure at least one of the two experiments: give the removal curve or the context experiment at least one sample.");
        if (p.MaxUnits is < 1 or > 4096) throw new JobParameterException("max-units", $"The largest k must be between 1 and 4096 (got {p.MaxUnits}).");
        if (p.ContextUnits is < 1 or > 4096) throw new JobParameterException("units", $"Switch on between 1 and 4096 units (got {p.ContextUnits}).");
        if (p.Batch is < 1 or > 256) throw new JobParameterException("batch", $"The batch must be between 1 and 256 (got {p.Batch}).");
        if (p.Seed is { } s && (s < 0 || s > ZSpec.MaxSeed)) throw new JobParameterException("seed", $"Seeds are integers from 0 to {ZSpec.MaxSeed} (got {s}).");
        if (p.Segmenter is { } seg && !File.Exists(GanExperimentInputs.SegmenterPath(seg, root)))
            throw new JobParameterException("segmenter", $"The segmenter '{seg}' does not exist.");
    }

    protected override void Execute(JobContext context, GanCausalParameters p)
    {
        string db;
        using (var store = context.OpenStore()) db = store.FilePath;
        context.Report("loading the generator", 0, 0);
        using var inputs = GanExperimentInputs.Open(db, p.RunId, p.Layer, p.Concept, p.Segmenter, Math.Max(p.MaxUnits, p.ContextUnits), context.Root);
        var seed = p.Seed ?? Math.Min(inputs.Samples.Seed + 1, ZSpec.MaxSeed);
        var units = inputs.Units.Select(u => u.Unit).ToList();
        var since = context.Job.StartedUtc ?? DateTime.MinValue;
        var notes = new List<string>();
        if (p.RemovalSamples > 0 && !inputs.Store.Gan.GetRemovalCurves(p.RunId, inputs.Layer).Any(c => c.CreatedUtc >= since && c.Curve.ConceptName == inputs.Concept.Name))
        {
            using var z = ZDataset.FromSeed(inputs.Generator.ZDim, seed, p.RemovalSamples);
            var curve = ObjectRemovalExperiment.Run(inputs.Generator, inputs.Segmenter, inputs.Layer, inputs.Concept,
                units.Take(p.MaxUnits).ToList(), z, p.Batch, context.DissectionProgress(), context.Cancel);
            context.Cancel.ThrowIfCancellationRequested();
            inputs.Store.Gan.SaveRemovalCurve(p.RunId, curve);
            context.Publish(curve);
            notes.Add($"removal curve of '{curve.ConceptName}' on {curve.Samples} samples (k up to {curve.Points.Count - 1})");
        }
        if (p.ContextSamples > 0 && !inputs.Store.Gan.GetContextInsertions(p.RunId, inputs.Layer).Any(c => c.CreatedUtc >= since && c.Result.ConceptName == inputs.Concept.Name))
        {
            using var z = ZDataset.FromSeed(inputs.Generator.ZDim, seed, p.ContextSamples);
            var top = inputs.Units.Take(p.ContextUnits).ToList();
            var result = ContextInsertionExperiment.Run(inputs.Generator, inputs.Segmenter, inputs.Layer, inputs.Concept,
                top.Select(u => u.Unit).ToList(), top.Select(u => u.Level).ToList(), z, context.DissectionProgress(), context.Cancel);
            context.Cancel.ThrowIfCancellationRequested();
            inputs.Store.Gan.SaveContextInsertion(p.RunId, result);
            context.Publish(result);
            notes.Add($"context insertion of '{result.ConceptName}' on {result.Samples} samples");
        }
        context.Note = notes.Count > 0 ? string.Join("; ", notes) + "." : null;
    }
}
