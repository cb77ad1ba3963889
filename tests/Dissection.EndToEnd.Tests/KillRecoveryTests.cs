// kill -9 of a real dashboard process in the middle of a job: the job stays marked running by a dead owner; the next
// start of the dashboard on the same folder declares it interrupted and resumes it without anyone asking, and the
// run ends with exactly the results of an uninterrupted run (computed here by the same engine, in this process).
using Dissection.Core.Dissection;
using Dissection.Core.Jobs;
using Dissection.Core.Jobs.Kinds;
using Dissection.Core.Storage;

namespace Dissection.EndToEnd.Tests;

// In the dashboard collection only to run alone: its own app and the in-process reference run would otherwise compete
// with the shared app's tests for the 2 cores.
[Collection(DashboardCollection.Name)]
public sealed class KillRecoveryTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dd-kill-" + Guid.NewGuid().ToString("N")[..8]);
    private string Data => Path.Combine(_root, "data");
    private string Database => Path.Combine(Data, "results.db");

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task A_job_killed_with_its_dashboard_resumes_on_the_next_start_and_ends_equal_to_an_uninterrupted_run()
    {
        DemoResults.WriteDataset(Path.Combine(Data, "world"));
        DemoResults.WriteRepeatedDataset(Path.Combine(Data, "world"), Path.Combine(Data, "long"), copies: 25);
        var checkpoint = Path.Combine(DashboardFixture.FindRepoRoot(), "data", "models", "world-vgg.pt");
        var parameters = new DissectClassifierParameters("world-vgg:" + checkpoint, Path.Combine(Data, "long"),
            ["features.conv3_1", "features.conv5_2"], new DissectionSettings { BatchSize = 16 });

        // The reference: the same job, uninterrupted, on a store of its own.
        var referenceDb = Path.Combine(_root, "reference.db");
        long referenceRun;
        using (var store = ResultsStore.Open(referenceDb)) referenceRun = DissectClassifierJob.CreateRun(store, parameters, "reference");
        using (var executor = new JobExecutor(referenceDb, [new DissectClassifierJob()], new JobExecutorOptions { Root = _root, CacheFolder = Path.Combine(_root, "ref-cache") }))
            Assert.Equal(JobState.Done, executor.RunNow(new JobRequest(JobKind.DissectClassifier, "reference", parameters, RunId: referenceRun), default).State);

        long run, job;
        var app = await DashboardProcess.StartAsync(_root, TimeSpan.FromSeconds(90));
        try
        {
            // Queued into the store the app watches, as its New-run dialog does.
            using (var store = ResultsStore.Open(Database)) run = DissectClassifierJob.CreateRun(store, parameters, "killed");
            using (var queue = new JobExecutor(Database, [new DissectClassifierJob()], new JobExecutorOptions { Root = _root }))
                job = queue.Enqueue(new JobRequest(JobKind.DissectClassifier, "killed", parameters, RunId: run));
            await WaitFor(() => Job(job) is { State: JobState.Running, Progress.Done: > 0 }, TimeSpan.FromMinutes(3), "the job to run", app);
        }
        finally { await app.KillHardAsync(); }
        Assert.Equal(JobState.Running, Job(job)!.State);   // no shutdown code ran: a dead owner still holds it

        await using (var restarted = await DashboardProcess.StartAsync(_root, TimeSpan.FromSeconds(90)))
        {
            await WaitFor(() => Job(job)?.State is JobState.Done or JobState.Failed, TimeSpan.FromMinutes(5), "the resumed job to end", restarted);
            var ended = Job(job)!;
            Assert.Equal(JobState.Done, ended.State);
            Assert.True(ended.Attempts >= 2, $"the job ran {ended.Attempts} time(s)");
        }

        using var a = ResultsStore.Open(referenceDb);
        using var b = ResultsStore.Open(Database);
        Assert.Equal(RunStatus.Done, b.Runs.GetRun(run)!.Status);
        var expected = a.Layers.GetLayers(referenceRun, includeUnits: true);
        var actual = b.Layers.GetLayers(run, includeUnits: true);
        Assert.Equal(expected.Select(l => l.Layer), actual.Select(l => l.Layer));
        foreach (var (x, y) in expected.Zip(actual))
        {
            Assert.Equal(x.Images, y.Images);
            Assert.Equal(x.Units.Select(u => (u.Unit, u.Threshold, u.Label?.Name, u.Label?.Iou)), y.Units.Select(u => (u.Unit, u.Threshold, u.Label?.Name, u.Label?.Iou)));
            Assert.Equal(x.Units.Select(u => string.Join(",", u.TopImages.Select(t => t.ImageIndex))), y.Units.Select(u => string.Join(",", u.TopImages.Select(t => t.ImageIndex))));
        }
    }

    private JobRecord? Job(long id)
    {
        using var store = ResultsStore.Open(Database);
        return store.Jobs.GetJob(id);
    }

    private static async Task WaitFor(Func<bool> condition, TimeSpan timeout, string what, DashboardProcess app)
    {
        var until = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > until) Assert.Fail($"Timed out waiting for {what}. App log:\n{app.Log}");
            await Task.Delay(200);
        }
    }
}
