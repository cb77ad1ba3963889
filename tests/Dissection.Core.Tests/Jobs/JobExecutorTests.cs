// The executor's state machine on a real SQLite file with real worker threads: queued → running → done, a failure
// in each phase (with the engine's message, no path), cancel while queued and while running (here and from another
// process), shutdown → interrupted → resumed, dead owners found by any process, order and concurrency.
using Dissection.Core.Dissection;
using Dissection.Core.Jobs;
using Dissection.Core.Storage;
using Dissection.Core.Tests.Storage;
using Dissection.Core.Work;

namespace Dissection.Core.Tests.Jobs;

public sealed class JobExecutorTests : IDisposable
{
    private readonly TempDatabase _db = new();
    private readonly List<JobExecutor> _executors = [];
    private readonly CancellationTokenSource _stop = new();

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var e in _executors) e.Dispose();
        _db.Dispose();
    }

    private JobExecutor Executor(StepHandler handler, int concurrency = 1, TimeSpan? heartbeat = null)
    {
        var e = new JobExecutor(_db.DbPath, [handler], new JobExecutorOptions
        {
            Concurrency = concurrency,
            Root = _db.Folder,
            CacheFolder = _db.Folder,
            HeartbeatInterval = heartbeat ?? TimeSpan.FromMilliseconds(100),
            RecoverInterval = TimeSpan.FromMilliseconds(200),
            ProgressInterval = TimeSpan.FromMilliseconds(50),
        });
        _executors.Add(e);
        return e;
    }

    private static JobRequest Request(StepParameters p, long? run = null, bool resume = true) =>
        new(JobKind.Ablate, $"steps {p.Steps}", p, "circuit-a", run, resume);

    private static JobRecord WaitFor(JobExecutor e, long id, Func<JobRecord, bool> until, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            var job = e.Get(id)!;
            if (until(job)) return job;
            Thread.Sleep(20);
        }
        throw new TimeoutException($"job {id} is {e.Get(id)}");
    }

    private static JobRecord WaitEnd(JobExecutor e, long id) => WaitFor(e, id, j => j.State is not (JobState.Queued or JobState.Running));

    [Fact]
    public void An_express_kind_takes_the_extra_slot_while_the_normal_slot_is_busy_and_other_kinds_wait()
    {
        var heavy = new StepHandler();
        var light = new StepHandler { Handles = JobKind.Report };
        var e = new JobExecutor(_db.DbPath, [heavy, light], new JobExecutorOptions
        {
            Concurrency = 1,
            Root = _db.Folder,
            CacheFolder = _db.Folder,
            HeartbeatInterval = TimeSpan.FromMilliseconds(100),
            RecoverInterval = TimeSpan.FromMilliseconds(200),
            ProgressInterval = TimeSpan.FromMilliseconds(50),
            ExpressKinds = new HashSet<JobKind> { JobKind.Report },
        });
        _executors.Add(e);
        var first = e.Enqueue(Request(new StepParameters(100_000, StepMs: 5)));
        var second = e.Enqueue(Request(new StepParameters(2)));
        var report = e.Enqueue(new JobRequest(JobKind.Report, "report", new StepParameters(3), "circuit-a"));
        _ = e.RunAsync(_stop.Token);

        WaitFor(e, first, j => j.State == JobState.Running);
        // The report, queued last, runs beside the long job; the second heavy job still waits for the one normal slot.
        Assert.Equal(JobState.Done, WaitEnd(e, report).State);
        Assert.Equal(JobState.Running, e.Get(first)!.State);
        Assert.Equal(JobState.Queued, e.Get(second)!.State);
        Assert.Equal(1, heavy.MaxConcurrent);

        e.Cancel(first);
        Assert.Equal(JobState.Cancelled, WaitEnd(e, first).State);
        Assert.Equal(JobState.Done, WaitEnd(e, second).State);
    }

    [Fact]
    public void A_queued_job_runs_to_done_with_its_progress_and_its_run()
    {
        var handler = new StepHandler();
        var e = Executor(handler);
        var run = _db.Open().Runs.CreateRun("r", "m", "d", ["l"], new DissectionSettings());
        var id = e.Enqueue(Request(new StepParameters(3), run));
        var queued = e.Get(id)!;
        Assert.Equal((JobState.Queued, 0, "circuit-a", (long?)run), (queued.State, queued.Attempts, queued.RequestedBy, queued.RunId));
        Assert.Equal(RunStatus.Queued, _db.Open().Runs.GetRun(run)!.Status);

        _ = e.RunAsync(_stop.Token);
        var done = WaitEnd(e, id);
        Assert.Equal(JobState.Done, done.State);
        Assert.Equal("3 steps", done.Message);
        Assert.Equal(1, done.Attempts);
        Assert.Equal(JobOwner.Current, done.Owner);
        Assert.NotNull(done.StartedUtc);
        Assert.NotNull(done.FinishedUtc);
        Assert.Equal(new JobProgress("saving", 1, 1, done.Progress!.EtaSeconds), done.Progress);
        Assert.Equal(["opening", "step", "saving"], handler.Phases.Distinct());
        var r = _db.Open().Runs.GetRun(run)!;
        Assert.Equal((RunStatus.Done, 1.0), (r.Status, r.Progress));
    }

    [Theory]
    [InlineData("opening")]
    [InlineData("step")]
    [InlineData("saving")]
    public void A_failure_in_any_phase_fails_the_job_with_the_engines_message_and_the_queue_goes_on(string phase)
    {
        var handler = new StepHandler();
        var e = Executor(handler);
        var run = _db.Open().Runs.CreateRun("r", "m", "d", ["l"], new DissectionSettings());
        var bad = e.Enqueue(Request(new StepParameters(4, FailIn: phase), run));
        var good = e.Enqueue(Request(new StepParameters(2)));
        _ = e.RunAsync(_stop.Token);

        var failed = WaitEnd(e, bad);
        Assert.Equal(JobState.Failed, failed.State);
        // The engine's words, with the server path cut to the file name: no folders, no stack trace.
        Assert.Equal($"cannot read weights.bin in {phase}", failed.Message);
        Assert.Equal(phase, failed.Progress!.Phase);
        var r = _db.Open().Runs.GetRun(run)!;
        Assert.Equal((RunStatus.Failed, failed.Message), (r.Status, r.Message));
        Assert.Equal(JobState.Done, WaitEnd(e, good).State);
    }

    [Fact]
    public void Bad_parameters_are_refused_at_the_door_naming_the_field()
    {
        var e = Executor(new StepHandler());
        var ex = Assert.Throws<JobParameterException>(() => e.Enqueue(Request(new StepParameters(0))));
        Assert.Equal("steps", ex.Field);
        Assert.Contains("at least 1", ex.Message);
        Assert.Empty(e.List());
    }

    [Fact]
    public void Parameters_that_go_bad_while_queued_fail_at_start_and_the_queue_goes_on()
    {
        var marker = Path.Combine(_db.Folder, "dataset.marker");
        File.WriteAllText(marker, "x");
        var e = Executor(new StepHandler());
        var vanishing = e.Enqueue(Request(new StepParameters(2, Needs: "dataset.marker")));
        var next = e.Enqueue(Request(new StepParameters(1)));
        File.Delete(marker);
        _ = e.RunAsync(_stop.Token);
        var failed = WaitEnd(e, vanishing);
        Assert.Equal(JobState.Failed, failed.State);
        Assert.Equal("The file 'dataset.marker' does not exist.", failed.Message);
        Assert.Equal(JobState.Done, WaitEnd(e, next).State);
    }

    [Fact]
    public void Jobs_run_one_at_a_time_in_the_order_they_were_queued()
    {
        var handler = new StepHandler();
        var e = Executor(handler);
        var ids = Enumerable.Range(0, 4).Select(i => e.Enqueue(Request(new StepParameters(2, Tag: i)))).ToList();
        _ = e.RunAsync(_stop.Token);
        foreach (var id in ids) Assert.Equal(JobState.Done, WaitEnd(e, id).State);
        Assert.Equal([0, 1, 2, 3], handler.Started);
        Assert.Equal(1, handler.MaxConcurrent);
    }

    [Fact]
    public void A_configured_number_run_at_once()
    {
        var handler = new StepHandler { Gate = new Barrier(2) };
        var e = Executor(handler, concurrency: 2);
        var ids = Enumerable.Range(0, 2).Select(i => e.Enqueue(Request(new StepParameters(1, Tag: i, Rendezvous: true)))).ToList();
        _ = e.RunAsync(_stop.Token);
        foreach (var id in ids) Assert.Equal(JobState.Done, WaitEnd(e, id).State);
        Assert.Equal(2, handler.MaxConcurrent);
    }

    [Fact]
    public void Cancel_before_it_starts_never_runs_it()
    {
        var handler = new StepHandler();
        var e = Executor(handler);
        var run = _db.Open().Runs.CreateRun("r", "m", "d", ["l"], new DissectionSettings());
        var id = e.Enqueue(Request(new StepParameters(2), run));
        Assert.True(e.Cancel(id));
        _ = e.RunAsync(_stop.Token);
        var after = e.Enqueue(Request(new StepParameters(1, Tag: 1)));
        WaitEnd(e, after);
        Assert.Equal(JobState.Cancelled, e.Get(id)!.State);
        Assert.Equal(RunStatus.Cancelled, _db.Open().Runs.GetRun(run)!.Status);
        Assert.Equal([1], handler.Started);
        Assert.False(e.Cancel(id));  // already ended
    }

    [Fact]
    public void Cancel_while_running_stops_the_work_and_says_cancelled()
    {
        var e = Executor(new StepHandler());
        var id = e.Enqueue(Request(new StepParameters(10_000, StepMs: 5)));
        _ = e.RunAsync(_stop.Token);
        WaitFor(e, id, j => j.Progress is { Done: > 3 });
        Assert.True(e.Cancel(id));
        var end = WaitEnd(e, id);
        Assert.Equal((JobState.Cancelled, "Cancelled by the user."), (end.State, end.Message));
        Assert.InRange(end.Progress!.Done, 4, 9_999);
    }

    [Fact]
    public void Another_process_cancels_through_the_store_at_the_next_heartbeat()
    {
        var e = Executor(new StepHandler());
        var id = e.Enqueue(Request(new StepParameters(10_000, StepMs: 5)));
        _ = e.RunAsync(_stop.Token);
        WaitFor(e, id, j => j.Progress is { Done: > 3 });
        // What a second process (the dashboard for a CLI run) does: it owns nothing here, it only raises the flag.
        Assert.True(_db.Open().Jobs.RequestJobCancel(id));
        Assert.Equal(JobState.Cancelled, WaitEnd(e, id).State);
    }

    [Fact]
    public void Running_jobs_report_progress_with_an_eta()
    {
        var e = Executor(new StepHandler());
        var id = e.Enqueue(Request(new StepParameters(400, StepMs: 10)));
        _ = e.RunAsync(_stop.Token);
        var mid = WaitFor(e, id, j => j.Progress is { Done: > 100, EtaSeconds: not null });
        Assert.Equal(JobState.Running, mid.State);
        // 10 ms a step: the ETA is about the steps left times 10 ms (generous bounds: the machine is shared).
        Assert.InRange(mid.Progress!.EtaSeconds!.Value, 0.2 * (400 - mid.Progress.Done) / 100.0, 10 * (400 - mid.Progress.Done) / 100.0);
        Assert.NotNull(mid.HeartbeatUtc);
        Assert.Equal(JobState.Done, WaitEnd(e, id).State);
    }

    [Fact]
    public void Shutdown_interrupts_and_the_next_start_resumes_keeping_what_was_saved()
    {
        var handler = new StepHandler();
        var e = Executor(handler);
        var run = _db.Open().Runs.CreateRun("r", "m", "d", ["l"], new DissectionSettings());
        var id = e.Enqueue(Request(new StepParameters(10_000, StepMs: 5, SaveEvery: 10), run));
        var stop = new CancellationTokenSource();
        var loop = e.RunAsync(stop.Token);
        WaitFor(e, id, j => j.Progress is { Done: > 30 });
        stop.Cancel();
        loop.Wait(TimeSpan.FromSeconds(20));
        var interrupted = e.Get(id)!;
        Assert.Equal((JobState.Interrupted, JobExecutor.ShutdownMessage), (interrupted.State, interrupted.Message));
        Assert.Equal(RunStatus.Interrupted, _db.Open().Runs.GetRun(run)!.Status);
        var saved = handler.Saved(id);
        Assert.True(saved >= 30);

        var handler2 = new StepHandler();
        var again = Executor(handler2);
        _ = again.RunAsync(_stop.Token);
        WaitFor(again, id, j => j.State == JobState.Running && j.Attempts == 2);
        again.Cancel(id);
        var end = WaitEnd(again, id);
        Assert.Equal(JobState.Cancelled, end.State);
        // The resumed attempt started from what the first had saved, not from zero.
        Assert.Equal(saved, handler2.ResumedFrom[id]);
    }

    [Fact]
    public void A_dead_owners_job_is_interrupted_by_any_process_and_a_live_ones_is_left_alone()
    {
        var store = _db.Open();
        var run = store.Runs.CreateRun("r", "m", "d", ["l"], new DissectionSettings());
        store.Runs.SetStatus(run, RunStatus.Running);
        var dead = new JobOwner(Environment.MachineName, DeadPid(), DateTime.UtcNow.AddMinutes(-5).Date);
        var cliJob = store.Jobs.CreateJob(new JobRequest(JobKind.Ablate, "cli", new StepParameters(1), "cli", run, ResumeOnStart: false), "{\"steps\":1}", dead);
        var liveRemote = store.Jobs.CreateJob(new JobRequest(JobKind.Ablate, "remote", new StepParameters(1)), "{\"steps\":1}",
            new JobOwner("another-host", 42, DateTime.UtcNow.Date));
        var staleRemote = store.Jobs.CreateJob(new JobRequest(JobKind.Ablate, "stale", new StepParameters(1)), "{\"steps\":1}",
            new JobOwner("another-host", 43, DateTime.UtcNow.Date));
        using (var c = _db.Raw())
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = $"UPDATE jobs SET heartbeat_utc = '{DateTime.UtcNow.AddMinutes(-10):O}' WHERE id = {staleRemote}";
            cmd.ExecuteNonQuery();
        }

        var e = Executor(new StepHandler());
        Assert.Equal(2, e.Recover(resumeInterrupted: false));
        Assert.Equal(JobState.Interrupted, e.Get(cliJob)!.State);
        Assert.Equal(JobState.Running, e.Get(liveRemote)!.State);
        Assert.Equal(JobState.Interrupted, e.Get(staleRemote)!.State);
        var r = store.Runs.GetRun(run)!;
        Assert.Equal(RunStatus.Interrupted, r.Status);
        Assert.Contains($"dissect run --resume {run}", r.Message);

        // A queue start resumes jobs that resume on their own; a CLI job waits for --resume.
        Assert.Equal(0, e.Recover(resumeInterrupted: true));
        Assert.Equal(JobState.Interrupted, e.Get(cliJob)!.State);
        Assert.Equal(JobState.Queued, e.Get(staleRemote)!.State);
        var resumed = e.Resume(cliJob, CancellationToken.None);
        Assert.Equal((JobState.Done, 2), (resumed.State, resumed.Attempts));
        Assert.Equal(RunStatus.Done, store.Runs.GetRun(run)!.Status);
        Assert.Contains("done", Assert.Throws<InvalidOperationException>(() => e.Resume(cliJob, CancellationToken.None)).Message);
        Assert.Contains("still running", Assert.Throws<InvalidOperationException>(() => e.Resume(liveRemote, CancellationToken.None)).Message);
    }

    [Fact]
    public void Run_now_records_the_job_as_this_processs_while_it_works()
    {
        var handler = new StepHandler();
        var e = Executor(handler);
        JobRecord? during = null;
        handler.OnStep = (ctx, i) => { if (i == 1) during = _db.Open().Jobs.GetJob(ctx.Job.Id); };
        var end = e.RunNow(Request(new StepParameters(3)), CancellationToken.None);
        Assert.Equal(JobState.Done, end.State);
        Assert.Equal((JobState.Running, JobOwner.Current), (during!.State, during.Owner));
        using var cancelled = new CancellationTokenSource();
        handler.OnStep = (_, i) => { if (i == 1) cancelled.Cancel(); };
        Assert.Equal(JobState.Cancelled, e.RunNow(Request(new StepParameters(3)), cancelled.Token).State);
    }

    [Fact]
    public void A_kind_without_a_handler_is_refused()
    {
        var e = Executor(new StepHandler());
        var ex = Assert.Throws<NotSupportedException>(() => e.Enqueue(new JobRequest(JobKind.Label, "x", new StepParameters(1))));
        Assert.Contains("Label", ex.Message);
    }

    private static int DeadPid()
    {
        using var p = System.Diagnostics.Process.Start("true")!;
        p.WaitForExit();
        return p.Id;
    }
}

/// <param name="FailIn">The phase in which to throw: opening, step or saving.</param>
/// <param name="Needs">A file (relative to the root) that must exist when the job starts.</param>
/// <param name="SaveEvery">Steps between saves; a resumed job continues from the last save.</param>
public sealed record StepParameters(int Steps, string? FailIn = null, int StepMs = 0, int Tag = 0, string? Needs = null,
    bool Rendezvous = false, int SaveEvery = 0);

/// <summary>A job kind made of N steps in three phases (opening, step, saving) that records what it did.</summary>
internal sealed class StepHandler : JobHandler<StepParameters>
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, int> _saved = new();
    private int _concurrent;
    public List<string> Phases { get; } = [];
    public List<int> Started { get; } = [];
    public Dictionary<long, int> ResumedFrom { get; } = new();
    public int MaxConcurrent { get; private set; }
    public Barrier? Gate { get; init; }
    public Action<JobContext, int>? OnStep { get; set; }

    /// <summary>The kind it stands in for (one handler per kind in an executor).</summary>
    public JobKind Handles { get; init; } = JobKind.Ablate;
    public override JobKind Kind => Handles;

    public int Saved(long id) { lock (_lock) return _saved.GetValueOrDefault(id); }

    protected override void Validate(StepParameters p, string root)
    {
        if (p.Steps < 1) throw new JobParameterException("steps", $"Steps must be at least 1 (got {p.Steps}).");
    }

    protected override void Execute(JobContext context, StepParameters p)
    {
        lock (_lock)
        {
            Started.Add(p.Tag);
            MaxConcurrent = Math.Max(MaxConcurrent, ++_concurrent);
        }
        try
        {
            if (p.Needs is { } needed && !File.Exists(context.Resolve(needed)))
                throw new FileNotFoundException($"The file '{needed}' does not exist.");
            Phase(context, "opening", 1, 1, p);
            if (p.Rendezvous) Gate!.SignalAndWait(TimeSpan.FromSeconds(20));
            // Resume from a marker file, as a dissection resumes from the layers it stored.
            var marker = context.Resolve($"job-{context.Job.Id}.saved");
            var from = File.Exists(marker) ? int.Parse(File.ReadAllText(marker)) : 0;
            lock (_lock) ResumedFrom[context.Job.Id] = from;
            for (var i = from; i < p.Steps; i++)
            {
                context.Cancel.ThrowIfCancellationRequested();
                if (p.StepMs > 0) Thread.Sleep(p.StepMs);
                OnStep?.Invoke(context, i);
                Phase(context, "step", i + 1, p.Steps, p);
                if (p.SaveEvery > 0 && (i + 1) % p.SaveEvery == 0)
                {
                    File.WriteAllText(marker, (i + 1).ToString());
                    lock (_lock) _saved[context.Job.Id] = i + 1;
                }
            }
            Phase(context, "saving", 1, 1, p);
            context.Note = $"{p.Steps} steps";
        }
        finally
        {
            lock (_lock) _concurrent--;
        }
    }

    private void Phase(JobContext context, string phase, long done, long total, StepParameters p)
    {
        lock (_lock) Phases.Add(phase);
        context.Report(phase, done, total);
        if (p.FailIn == phase && done >= Math.Min(2, total))
            throw new InvalidDataException($"cannot read /srv/secret/models/weights.bin in {phase}");
    }
}
