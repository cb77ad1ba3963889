// A run's life in the store: created queued, progress and phases while running, a final status, interrupted runs
// failed at start-up, deletion with everything it owns.
using Dissection.Core.Dissection;
using Dissection.Core.Storage;

namespace Dissection.Core.Tests.Storage;

public sealed class RunLifecycleTests : IDisposable
{
    private readonly TempDatabase _db = new();
    public void Dispose() => _db.Dispose();

    [Fact]
    public void Created_run_is_queued_with_its_settings()
    {
        var store = _db.Open();
        var settings = new DissectionSettings { Quantile = 0.005, IouThreshold = 0.05, Method = DissectionMethod.Cvpr17, Limit = 64, Split = "val" };
        var before = DateTime.UtcNow;
        var id = store.Runs.CreateRun("vgg conv5", "world-vgg", "data/world", ["features.28", "features.29"], settings);

        var run = store.Runs.GetRun(id)!;
        Assert.Equal(id, run.Id);
        Assert.Equal("vgg conv5", run.Name);
        Assert.Equal("world-vgg", run.Model);
        Assert.Equal("data/world", run.Dataset);
        Assert.Equal(["features.28", "features.29"], run.Layers);
        Assert.Equal(settings, run.Settings);
        Assert.Equal(RunStatus.Queued, run.Status);
        Assert.Null(run.Message);
        Assert.Null(run.StartedUtc);
        Assert.Null(run.FinishedUtc);
        Assert.Equal(0, run.Progress);
        Assert.Equal(DateTimeKind.Utc, run.CreatedUtc.Kind);
        Assert.InRange(run.CreatedUtc, before.AddSeconds(-1), DateTime.UtcNow.AddSeconds(1));
        Assert.Null(store.Runs.GetRun(id + 1));
    }

    [Fact]
    public void Progress_and_status_follow_the_run()
    {
        var store = _db.Open();
        var id = SampleResults.CreateRun(store);

        store.Runs.SetStatus(id, RunStatus.Running);
        var started = store.Runs.GetRun(id)!.StartedUtc;
        Assert.NotNull(started);
        store.Runs.UpdateProgress(id, "pass 1: thresholds", 0.25, 40.5);
        var run = store.Runs.GetRun(id)!;
        Assert.Equal((RunStatus.Running, "pass 1: thresholds", 0.25, 40.5), (run.Status, run.Phase, run.Progress, run.ImagesPerSecond));
        Assert.Empty(run.Timings);

        store.Runs.UpdateProgress(id, "pass 1: thresholds", 0.4, 41);
        store.Runs.UpdateProgress(id, "pass 2: IoU", 0.6, 39);
        run = store.Runs.GetRun(id)!;
        Assert.Equal(["pass 1: thresholds"], run.Timings.Keys);
        Assert.True(run.Timings["pass 1: thresholds"] >= 0);

        store.Runs.SetStatus(id, RunStatus.Running);  // a second Running keeps the first start time
        Assert.Equal(started, store.Runs.GetRun(id)!.StartedUtc);

        store.Runs.SetStatus(id, RunStatus.Done, "3 layers", images: 512);
        run = store.Runs.GetRun(id)!;
        Assert.Equal(RunStatus.Done, run.Status);
        Assert.Equal("3 layers", run.Message);
        Assert.Equal(512, run.Images);
        Assert.Equal(1, run.Progress);
        Assert.NotNull(run.FinishedUtc);
        Assert.True(run.FinishedUtc >= run.StartedUtc);
        Assert.Equal(["pass 1: thresholds", "pass 2: IoU"], run.Timings.Keys.Order());
    }

    [Fact]
    public void Progress_is_clamped_and_unknown_runs_are_refused()
    {
        var store = _db.Open();
        var id = SampleResults.CreateRun(store);
        store.Runs.UpdateProgress(id, "x", 7, double.NaN);
        Assert.Equal((1.0, 0.0), (store.Runs.GetRun(id)!.Progress, store.Runs.GetRun(id)!.ImagesPerSecond));

        Assert.Contains($"run {id + 5}", Assert.Throws<ArgumentException>(() => store.Runs.UpdateProgress(id + 5, "x", 0, 0)).Message);
        Assert.Throws<ArgumentException>(() => store.Runs.SetStatus(id + 5, RunStatus.Done));
    }

    [Fact]
    public void Failed_run_keeps_its_message_and_images_stay_unless_given()
    {
        var store = _db.Open();
        var id = SampleResults.CreateRun(store);
        store.Runs.SetStatus(id, RunStatus.Running, images: 100);
        store.Runs.SetStatus(id, RunStatus.Failed, "image 17: not a JPEG");
        var run = store.Runs.GetRun(id)!;
        Assert.Equal((RunStatus.Failed, "image 17: not a JPEG", 100), (run.Status, run.Message, run.Images));
        Assert.NotNull(run.FinishedUtc);
    }

    [Fact]
    public void List_runs_is_newest_first()
    {
        var store = _db.Open();
        var ids = Enumerable.Range(0, 4).Select(i => SampleResults.CreateRun(store, $"run {i}")).ToList();
        Assert.Equal(ids.AsEnumerable().Reverse(), store.Runs.ListRuns().Select(r => r.Id));
        Assert.Equal("run 3", store.Runs.ListRuns()[0].Name);
    }

    [Fact]
    public void Mark_interrupted_runs_marks_only_running_runs()
    {
        var store = _db.Open();
        var running = SampleResults.CreateRun(store, "running");
        var queued = SampleResults.CreateRun(store, "queued");
        var done = SampleResults.CreateRun(store, "done");
        store.Runs.SetStatus(running, RunStatus.Running);
        store.Runs.UpdateProgress(running, "pass 2: IoU", 0.7, 10);
        store.Runs.SetStatus(done, RunStatus.Done, "ok");

        Assert.Equal(1, store.Runs.MarkInterruptedRuns());

        var r = store.Runs.GetRun(running)!;
        Assert.Equal(RunStatus.Interrupted, r.Status);
        Assert.Equal("interrupted (the process stopped)", r.Message);
        Assert.NotNull(r.FinishedUtc);
        Assert.Equal(RunStatus.Queued, store.Runs.GetRun(queued)!.Status);
        Assert.Equal((RunStatus.Done, "ok"), (store.Runs.GetRun(done)!.Status, store.Runs.GetRun(done)!.Message));
        Assert.Equal(0, store.Runs.MarkInterruptedRuns());
    }

    [Fact]
    public void Delete_run_removes_everything_it_owns()
    {
        var store = _db.Open();
        var gone = SampleResults.CreateRun(store, "gone");
        var kept = SampleResults.CreateRun(store, "kept");
        store.Layers.SaveLayer(gone, SampleResults.Layer("conv1", 3, 1));
        store.Layers.SaveLayer(gone, SampleResults.Layer("conv2", 2, 2));
        var keptLayer = SampleResults.Layer("conv1", 2, 3);
        store.Layers.SaveLayer(kept, keptLayer);

        Assert.True(store.Runs.DeleteRun(gone));
        Assert.False(store.Runs.DeleteRun(gone));
        Assert.Null(store.Runs.GetRun(gone));
        Assert.Equal([kept], store.Runs.ListRuns().Select(r => r.Id));
        Assert.Equal(1, _db.Scalar("SELECT COUNT(*) FROM layers"));
        Assert.Equal(2, _db.Scalar("SELECT COUNT(*) FROM units"));
        Assert.Equal(keptLayer.Units.Sum(u => u.TopImages.Count), _db.Scalar("SELECT COUNT(*) FROM unit_top_images"));
        Assert.Equal(keptLayer.Units.Sum(u => u.TopConcepts.Count + u.BestPerCategory.Count), _db.Scalar("SELECT COUNT(*) FROM unit_concepts"));
        SampleResults.AssertSameLayer(keptLayer, store.Layers.GetLayer(kept, "conv1"));
    }
}
