// The attack-batch and labelling job kinds on real parts: the shipped world-vgg and world segmenter, a generated
// world, a real SQLite store. An attack job stores the same experiment the engine computes directly; one without an
// ablation fails naming the layer; bad fields are named as the form and the CLI call them; a label job writes a
// concept dataset and, run again, reuses its cached labels.
using Dissection.Core.Work;
using Dissection.Core.Ablation;
using Dissection.Core.Attacks;
using Dissection.Core.Datasets;
using Dissection.Core.Jobs;
using Dissection.Core.Jobs.Kinds;
using Dissection.Core.Labelling;
using Dissection.Core.Models;
using Dissection.Core.Storage;
using Dissection.Core.Tests.Storage;
using Dissection.Core.World;

namespace Dissection.Core.Tests.Jobs;

public sealed class AttackAndLabelJobTests : IDisposable
{
    private const string Layer = "features.conv5_2";
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private JobExecutor Executor() => new(_db.DbPath, [new AttackJob(), new LabelJob()], new JobExecutorOptions
    {
        Root = _db.Folder,
        CacheFolder = Path.Combine(_db.Folder, "cache"),
    });

    private string World(int count = 12)
    {
        var world = Path.Combine(_db.Folder, "world");
        if (!Directory.Exists(world)) WorldGenerator.Generate(new WorldOptions(world, Count: count, Size: 128, Seed: 3, Threads: 2));
        return world;
    }

    private static string Vgg => "world-vgg:" + RepositoryFiles.Path("data/models/world-vgg.pt");

    /// <summary>A world-vgg run on the generated world with an ablation of the layer, as attacks need.</summary>
    private (ResultsStore Store, long Run, string World, ConceptDataset Dataset) AblatedRun()
    {
        var world = World();
        var store = _db.Open();
        var run = store.Runs.CreateRun("attack", Vgg, world, [Layer], new());
        var dataset = ConceptDataset.Open(world);
        using var model = ModelRegistry.Load(ModelSpec.Parse(Vgg), new ModelOptions("cpu"));
        var settings = new AblationSettings { BatchSize = 12, GroupCurves = false };
        using var session = AblationSession.Open(model, dataset, Layer, settings);
        store.Ablations.SaveAblation(run, AblationRunner.Run(session, settings));
        return (store, run, world, dataset);
    }

    [Fact]
    public void An_attack_job_stores_the_experiment_the_engine_computes_directly()
    {
        var (store, run, _, dataset) = AblatedRun();
        var p = new AttackParameters(run, Layer, "bedroom", Count: 4, Epsilon: "4/255", Steps: 3, Device: "cpu");
        using (var executor = Executor())
            Assert.Equal(JobState.Done, executor.RunNow(new JobRequest(JobKind.Attack, AttackJob.Title(p), p), default).State);
        var stored = Assert.Single(store.Attacks.GetAttackExperiments(run, Layer)).Result;

        using var again = ModelRegistry.Load(ModelSpec.Parse(Vgg), new ModelOptions("cpu"));
        var target = TargetClass.Resolve("bedroom", again.ClassNames, again.NumClasses!.Value);
        var classes = ClassLabelMap.Resolve(again.ClassNames, dataset, dataset.Images, out _);
        var direct = AttackExperiment.Run(again, dataset, store.Attacks.GetImportantUnits(run, Layer)!,
            new AttackExperimentSettings(Layer, target, new AttackSettings(4 / 255.0, 3), 4, "val", 8), classes);
        Assert.Equal(direct.Attempted, stored.Attempted);
        Assert.Equal(direct.Succeeded, stored.Succeeded);
        Assert.Equal(direct.TargetUnits, stored.TargetUnits);
        Assert.Equal(direct.Groups.Select(g => g.AbsDelta.Mean), stored.Groups.Select(g => g.AbsDelta.Mean));
    }

    [Fact]
    public void An_unsaved_attack_job_with_a_step_size_and_no_early_stop_publishes_the_direct_result_and_stores_nothing()
    {
        var (store, run, world, dataset) = AblatedRun();
        // `dissect attack --step-size 1/255 --no-early-stop --no-save --model world-vgg:…` as the CLI now sends it.
        var p = new AttackParameters(run, Layer, "bedroom", world, Count: 3, Epsilon: "4/255", Steps: 2, Device: "cpu",
            StepSize: "1/255", EarlyStop: false, Model: Vgg, Save: false);
        var published = new List<object>();
        using (var executor = new JobExecutor(_db.DbPath, [new AttackJob()], new JobExecutorOptions
               {
                   Root = _db.Folder, CacheFolder = Path.Combine(_db.Folder, "cache"), OnResult = (_, r) => published.Add(r),
               }))
        {
            var job = executor.RunNow(new JobRequest(JobKind.Attack, AttackJob.Title(p), p), default);
            Assert.Equal(JobState.Done, job.State);
            Assert.StartsWith("Not saved:", job.Message);
            Assert.Equal("step-size", Assert.Throws<JobParameterException>(() => executor.Validate(JobKind.Attack, p with { StepSize = "x" })).Field);
            Assert.Equal("model", Assert.Throws<JobParameterException>(() => executor.Validate(JobKind.Attack, p with { Model = "world-vgg:nope.pt" })).Field);
        }
        Assert.Empty(store.Attacks.GetAttackExperiments(run, Layer));
        var fromJob = Assert.IsType<AttackExperimentResult>(Assert.Single(published));

        using var again = ModelRegistry.Load(ModelSpec.Parse(Vgg), new ModelOptions("cpu"));
        var target = TargetClass.Resolve("bedroom", again.ClassNames, again.NumClasses!.Value);
        var classes = ClassLabelMap.Resolve(again.ClassNames, dataset, dataset.Images, out _);
        var direct = AttackExperiment.Run(again, dataset, store.Attacks.GetImportantUnits(run, Layer)!,
            new AttackExperimentSettings(Layer, target, new AttackSettings(4 / 255.0, 2, 1 / 255.0, EarlyStop: false), 3, "val", 8), classes);
        Assert.Equal(direct.Attack, fromJob.Attack);
        Assert.Equal((direct.Attempted, direct.Succeeded, direct.MeanSteps), (fromJob.Attempted, fromJob.Succeeded, fromJob.MeanSteps));
        Assert.Equal(direct.Groups.Select(g => (g.AbsDelta.Mean, g.Delta.Mean)), fromJob.Groups.Select(g => (g.AbsDelta.Mean, g.Delta.Mean)));
    }

    [Fact]
    public void An_attack_job_on_a_layer_without_ablation_fails_naming_it()
    {
        var store = _db.Open();
        var run = store.Runs.CreateRun("no ablation", Vgg, World(), [Layer], new());
        var p = new AttackParameters(run, Layer, "bedroom", Count: 2);
        using var executor = Executor();
        var job = executor.RunNow(new JobRequest(JobKind.Attack, "attack", p), default);
        Assert.Equal(JobState.Failed, job.State);
        Assert.Contains($"Layer {Layer} of run {run} has no ablation results", job.Message);
        Assert.Contains("ablate it first", job.Message);
    }

    [Theory]
    [InlineData("abc", "linf", 20, 10, "eps")]
    [InlineData("2", "linf", 20, 10, "eps")]
    [InlineData("4/255", "l3", 20, 10, "norm")]
    [InlineData("4/255", "linf", -1, 10, "steps")]
    [InlineData("4/255", "linf", 20, 0, "count")]
    public void Attack_parameters_out_of_range_name_their_field(string eps, string norm, int steps, int count, string field)
    {
        using var executor = Executor();
        var e = Assert.Throws<JobParameterException>(() =>
            executor.Validate(JobKind.Attack, new AttackParameters(1, Layer, "bedroom", Count: count, Norm: norm, Epsilon: eps, Steps: steps)));
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void A_label_job_writes_a_concept_dataset_and_reuses_its_cache_when_run_again()
    {
        var images = Path.Combine(_db.Folder, "photos");
        Directory.CreateDirectory(images);
        foreach (var file in Directory.GetFiles(Path.Combine(World(), "images"), "*.jpg").Take(5))
            File.Copy(file, Path.Combine(images, Path.GetFileName(file)));
        var p = new LabelParameters("photos", "world-seg:" + RepositoryFiles.Path("data/models/world-seg.pt"), "photos-labelled");
        using var executor = Executor();
        var first = executor.RunNow(new JobRequest(JobKind.Label, LabelJob.Title(p), p), default);
        Assert.Equal(JobState.Done, first.State);
        Assert.Contains("Labelled 5 images", first.Message);
        Assert.Equal(5, ConceptDataset.Open(Path.Combine(_db.Folder, "photos-labelled")).Images.Count);
        var second = executor.RunNow(new JobRequest(JobKind.Label, LabelJob.Title(p), p), default);
        Assert.Contains("0 segmented, 5 from the cache", second.Message);
    }

    [Fact]
    public void A_label_job_writes_the_same_files_as_the_labeller_called_directly()
    {
        var images = Path.Combine(_db.Folder, "photos");
        Directory.CreateDirectory(images);
        foreach (var file in Directory.GetFiles(Path.Combine(World(), "images"), "*.jpg").Order().Take(3))
            File.Copy(file, Path.Combine(images, Path.GetFileName(file)));
        var seg = "world-seg:" + RepositoryFiles.Path("data/models/world-seg.pt");
        // The direct call `dissect label` made before it went through the executor.
        using (var segmenter = SegmenterSource.Load(seg))
            DatasetLabeller.Label(segmenter, new LabellingOptions(images, Path.Combine(_db.Folder, "direct"), null, 2, "train"));
        var p = new LabelParameters("photos", seg, "by-job", Batch: 2, Split: "train");
        LabellingSummary? published = null;
        using (var executor = new JobExecutor(_db.DbPath, [new LabelJob()], new JobExecutorOptions
               {
                   Root = _db.Folder, CacheFolder = Path.Combine(_db.Folder, "cache"), OnResult = (_, r) => published = r as LabellingSummary,
               }))
            Assert.Equal(JobState.Done, executor.RunNow(new JobRequest(JobKind.Label, LabelJob.Title(p), p), default).State);
        Assert.Equal(3, published?.Images);

        static Dictionary<string, byte[]> Files(string root) => Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f), File.ReadAllBytes);
        var direct = Files(Path.Combine(_db.Folder, "direct"));
        var byJob = Files(Path.Combine(_db.Folder, "by-job"));
        Assert.Equal(direct.Keys.Order(), byJob.Keys.Order());
        Assert.Contains("index.csv", direct.Keys);
        Assert.All(direct, kv => Assert.True(kv.Value.AsSpan().SequenceEqual(byJob[kv.Key]), kv.Key));
    }

    [Fact]
    public void Label_parameters_name_their_field()
    {
        using var executor = Executor();
        Directory.CreateDirectory(Path.Combine(_db.Folder, "photos"));
        var seg = "world-seg:" + RepositoryFiles.Path("data/models/world-seg.pt");
        Assert.Equal("images", Assert.Throws<JobParameterException>(() => executor.Validate(JobKind.Label, new LabelParameters("missing", seg, "out"))).Field);
        Assert.Equal("out", Assert.Throws<JobParameterException>(() => executor.Validate(JobKind.Label, new LabelParameters("photos", seg, "photos"))).Field);
        Assert.Equal("segmenter", Assert.Throws<JobParameterException>(() => executor.Validate(JobKind.Label, new LabelParameters("photos", "world-seg:nope.pt", "out"))).Field);
        Assert.Equal("segmenter", Assert.Throws<JobParameterException>(() => executor.Validate(JobKind.Label, new LabelParameters("photos", "other:x.pt", "out"))).Field);
    }
}
