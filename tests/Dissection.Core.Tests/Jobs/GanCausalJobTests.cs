// The GanCausal job kind against the direct engine calls that `dissect gan-removal` and `dissect gan-context` made
// before they went through the executor: on a real stored generator run (the shipped world GAN dissected by the
// DissectGenerator job with the shipped world segmenter on 8 samples), the removal curve and the context insertion the
// job publishes and stores equal what GanExperimentInputs + ObjectRemovalExperiment / ContextInsertionExperiment
// compute on the same inputs, to the last bit.
using Dissection.Core.Dissection;
using Dissection.Core.Gan;
using Dissection.Core.Jobs;
using Dissection.Core.Jobs.Kinds;
using Dissection.Core.Storage;
using Dissection.Core.Tests.Storage;
using Dissection.Core.Work;

namespace Dissection.Core.Tests.Jobs;

public sealed class GanCausalJobTests : IDisposable
{
    private const string Layer = "layer4";
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private JobExecutor Executor(List<object>? published = null) => new(_db.DbPath, [new DissectGeneratorJob(), new GanCausalJob()], new JobExecutorOptions
    {
        Root = _db.Folder,
        CacheFolder = Path.Combine(_db.Folder, "cache"),
        OnResult = (_, r) => published?.Add(r),
    });

    /// <summary>A generator run of one layer on 8 samples, and an object concept some of its units overlap.</summary>
    private (long Run, string Concept) GeneratorRun()
    {
        var p = new DissectGeneratorParameters("proggan:" + RepositoryFiles.Path("data/models/world-gan.pt"), "z:1:8",
            "world-seg:" + RepositoryFiles.Path("data/models/world-seg.pt"), [Layer], new DissectionSettings { BatchSize = 8 },
            Samples: Path.Combine(_db.Folder, "samples"));
        var store = _db.Open();
        var run = DissectGeneratorJob.CreateRun(store, p, "gan");
        using (var executor = Executor())
            Assert.Equal(JobState.Done, executor.RunNow(new JobRequest(JobKind.DissectGenerator, "gan", p, RunId: run), default).State);
        var concept = store.Layers.GetUnitSummaries(run, Layer).Where(u => u.Label?.Category == "object").Select(u => u.Label!.Name)
            .GroupBy(n => n).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key).First(n => store.Gan.GetConceptUnits(run, Layer, n).Count >= 3);
        return (run, concept);
    }

    [Fact]
    public void The_job_publishes_and_stores_the_curve_and_contexts_the_engine_computes_directly()
    {
        var (run, concept) = GeneratorRun();
        var published = new List<object>();
        var p = new GanCausalParameters(run, Layer, concept, RemovalSamples: 4, MaxUnits: 3, ContextSamples: 2, ContextUnits: 2, Batch: 2);
        using (var executor = Executor(published))
            Assert.Equal(JobState.Done, executor.RunNow(new JobRequest(JobKind.GanCausal, GanCausalJob.Title(p), p), default).State);
        var jobCurve = Assert.Single(published.OfType<RemovalCurve>());
        var jobContext = Assert.Single(published.OfType<ContextInsertion>());
        var store = _db.Open();

        // The direct path, as the CLI verbs ran it: inputs opened with the verb's unit count, the run's seed + 1.
        RemovalCurve directCurve;
        using (var inputs = GanExperimentInputs.Open(_db.DbPath, run, Layer, concept, null, 3, _db.Folder))
        using (var z = ZDataset.FromSeed(inputs.Generator.ZDim, inputs.MeasuredSeed(null), 4))
            directCurve = ObjectRemovalExperiment.Run(inputs.Generator, inputs.Segmenter, inputs.Layer, inputs.Concept,
                inputs.Units.Select(u => u.Unit).ToList(), z, 2);
        ContextInsertion directContext;
        using (var inputs = GanExperimentInputs.Open(_db.DbPath, run, Layer, concept, null, 2, _db.Folder))
        using (var z = ZDataset.FromSeed(inputs.Generator.ZDim, inputs.MeasuredSeed(null), 2))
            directContext = ContextInsertionExperiment.Run(inputs.Generator, inputs.Segmenter, inputs.Layer, inputs.Concept,
                inputs.Units.Select(u => u.Unit).ToList(), inputs.Units.Select(u => u.Level).ToList(), z);

        Assert.Equal(directCurve.RankedUnits, jobCurve.RankedUnits);
        Assert.Equal((directCurve.Seed, directCurve.Samples, directCurve.ConceptName), (jobCurve.Seed, jobCurve.Samples, jobCurve.ConceptName));
        Assert.Equal(directCurve.Points, jobCurve.Points);
        Assert.Equal(directContext.Units, jobContext.Units);
        Assert.Equal(directContext.Levels, jobContext.Levels);
        Assert.Equal(directContext.BaselineFraction, jobContext.BaselineFraction);
        Assert.Equal(directContext.Contexts, jobContext.Contexts);
        // What the job stored is what it published.
        Assert.Equal(jobCurve.Points, Assert.Single(store.Gan.GetRemovalCurves(run, Layer)).Curve.Points);
        Assert.Equal(jobContext.Contexts.Select(c => (c.ContextName, c.Cells, c.MeanAdded)),
            Assert.Single(store.Gan.GetContextInsertions(run, Layer)).Result.Contexts.Select(c => (c.ContextName, c.Cells, c.MeanAdded)));
    }

    [Fact]
    public void One_experiment_alone_stores_only_that_one_and_bad_fields_are_named()
    {
        var (run, concept) = GeneratorRun();
        var p = new GanCausalParameters(run, Layer, concept, RemovalSamples: 2, MaxUnits: 2, ContextSamples: 0, Batch: 2);
        using var executor = Executor();
        Assert.Equal(JobState.Done, executor.RunNow(new JobRequest(JobKind.GanCausal, "removal only", p), default).State);
        var store = _db.Open();
        Assert.Single(store.Gan.GetRemovalCurves(run, Layer));
        Assert.Empty(store.Gan.GetContextInsertions(run, Layer));
        Assert.Equal("removal-samples", Assert.Throws<JobParameterException>(() => executor.Validate(JobKind.GanCausal, p with { RemovalSamples = 0 })).Field);
        Assert.Equal("segmenter", Assert.Throws<JobParameterException>(() => executor.Validate(JobKind.GanCausal, p with { Segmenter = "world-seg:nope.pt" })).Field);
        var missing = executor.RunNow(new JobRequest(JobKind.GanCausal, "bad concept", p with { Concept = "no-such-concept" }), default);
        Assert.Equal(JobState.Failed, missing.State);
        Assert.Contains("no-such-concept", missing.Message);
    }
}
