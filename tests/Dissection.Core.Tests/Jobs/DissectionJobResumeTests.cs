// The dissection job kind on a real model and a real world: a run interrupted between the saves of its two layers
// keeps the layer it had saved, dissects only the missing one on resume, and ends equal to an uninterrupted run.
// A dataset that vanished while the job waited fails it with that message.
using Dissection.Core.Dissection;
using Dissection.Core.Jobs;
using Dissection.Core.Jobs.Kinds;
using Dissection.Core.Storage;
using Dissection.Core.Tests.Storage;
using Dissection.Core.World;
using Dissection.Core.Work;

namespace Dissection.Core.Tests.Jobs;

public sealed class DissectionJobResumeTests : IDisposable
{
    private static readonly string[] Layers = ["features.conv3_1", "features.conv5_2"];
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private JobExecutor Executor(Action<JobProgress, double>? onProgress = null) => new(_db.DbPath, [new DissectClassifierJob()], new JobExecutorOptions
    {
        Root = _db.Folder,
        CacheFolder = Path.Combine(_db.Folder, "cache"),
        OnProgress = onProgress,
        RecoverInterval = TimeSpan.FromMilliseconds(200),
    });

    private DissectClassifierParameters Parameters()
    {
        var world = Path.Combine(_db.Folder, "world");
        if (!Directory.Exists(world)) WorldGenerator.Generate(new WorldOptions(world, Count: 24, Size: 128, Seed: 1, Threads: 2));
        return new DissectClassifierParameters("world-vgg:" + RepositoryFiles.Path("data/models/world-vgg.pt"), "world", Layers,
            new DissectionSettings { BatchSize = 8 });
    }

    [Fact]
    public void An_interrupted_run_keeps_its_saved_layer_and_ends_equal_to_an_uninterrupted_one()
    {
        var p = Parameters();
        var store = _db.Open();
        var whole = DissectClassifierJob.CreateRun(store, p, "whole");
        using (var straight = Executor())
        {
            Assert.Equal(JobState.Done, straight.RunNow(new JobRequest(JobKind.DissectClassifier, "whole", p, RunId: whole), default).State);
        }
        var expected = store.Layers.GetLayers(whole, includeUnits: true);

        var run = DissectClassifierJob.CreateRun(store, p, "interrupted");
        using var stop = new CancellationTokenSource();
        using var first = Executor((progress, _) => { if (progress is { Phase: "saving", Done: 1 }) stop.Cancel(); });
        var job = first.Enqueue(new JobRequest(JobKind.DissectClassifier, "interrupted", p, RunId: run));
        first.RunAsync(stop.Token).Wait(TimeSpan.FromMinutes(3));
        Assert.Equal(JobState.Interrupted, store.Jobs.GetJob(job)!.State);
        Assert.Equal([Layers[0]], store.Layers.GetLayers(run).Select(l => l.Layer));
        Assert.Equal(RunStatus.Interrupted, store.Runs.GetRun(run)!.Status);

        using var second = Executor();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        _ = second.RunAsync(cts.Token);
        JobRecord end;
        while ((end = store.Jobs.GetJob(job)!).State is JobState.Queued or JobState.Running) Thread.Sleep(50);
        Assert.Equal((JobState.Done, 2), (end.State, end.Attempts));
        Assert.Equal("Resumed: kept 1 finished layer(s), dissected 1.", end.Message);
        var r = store.Runs.GetRun(run)!;
        Assert.Equal((RunStatus.Done, expected[0].Images), (r.Status, r.Images));

        var actual = store.Layers.GetLayers(run, includeUnits: true);
        Assert.Equal(expected.Select(l => l.Layer), actual.Select(l => l.Layer));
        foreach (var (a, b) in expected.Zip(actual))
        {
            Assert.Equal(a.Images, b.Images);
            Assert.Equal(a.Units.Select(u => (u.Unit, u.Threshold, u.Label?.Name, u.Label?.Iou)),
                         b.Units.Select(u => (u.Unit, u.Threshold, u.Label?.Name, u.Label?.Iou)));
        }
        // No activation cache is left behind.
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(_db.Folder, "cache")));
    }

    [Fact]
    public void A_dataset_that_vanished_while_queued_fails_with_that_message()
    {
        var p = Parameters();
        var store = _db.Open();
        using var executor = Executor();
        var run = DissectClassifierJob.CreateRun(store, p, "vanishing");
        var job = executor.Enqueue(new JobRequest(JobKind.DissectClassifier, "vanishing", p, RunId: run));
        Directory.Delete(Path.Combine(_db.Folder, "world"), recursive: true);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        _ = executor.RunAsync(cts.Token);
        JobRecord end;
        while ((end = store.Jobs.GetJob(job)!).State is JobState.Queued or JobState.Running) Thread.Sleep(50);
        Assert.Equal((JobState.Failed, "The dataset folder 'world' does not exist."), (end.State, end.Message));
        Assert.Equal((RunStatus.Failed, end.Message), (store.Runs.GetRun(run)!.Status, store.Runs.GetRun(run)!.Message));
        var ex = Assert.Throws<JobParameterException>(() => executor.Validate(JobKind.DissectClassifier, p with { Settings = new DissectionSettings { Quantile = 2 } }));
        Assert.Equal("dataset", ex.Field);
    }

    [Theory]
    [InlineData("quantile")]
    [InlineData("iou")]
    [InlineData("topk")]
    [InlineData("batch")]
    [InlineData("limit")]
    public void Settings_out_of_range_name_their_field(string field)
    {
        var s = field switch
        {
            "quantile" => new DissectionSettings { Quantile = 1 },
            "iou" => new DissectionSettings { IouThreshold = -0.1 },
            "topk" => new DissectionSettings { TopK = -1 },
            "batch" => new DissectionSettings { BatchSize = 0 },
            _ => new DissectionSettings { Limit = 0 },
        };
        Assert.Equal(field, Assert.Throws<JobParameterException>(() => s.Validate()).Field);
        var defaults = new DissectionSettings();
        Assert.Same(defaults, defaults.Validate());
    }
}
