// The one executor of long jobs, shared by the CLI verbs and the dashboard's queue. It owns a job's life:
// Queued → Running (throttled progress: phase, count, ETA) → Done / Failed (the engine's message) / Cancelled /
// Interrupted (the process stopped). Jobs run a configurable number at a time, oldest first, plus one express slot
// for light kinds (the report); between batches a job gives way to the process's interactive work (InteractivePriority).
// The running process
// stamps a heartbeat and its identity on the job, so any process tells a live job from a dead one; dead jobs are
// declared interrupted, and a queue resumes its own on start. A job that writes into a run keeps the run's status
// and progress in step, so every page that follows runs follows jobs too.
using System.Collections.Concurrent;
using System.Text.Json;
using Dissection.Core.Storage;
using Dissection.Core.Tallies;
using Dissection.Core.Work;

namespace Dissection.Core.Jobs;

public sealed record JobExecutorOptions
{
    /// <summary>How many jobs run at once (the engine uses every core, so 1 unless the machine is big).</summary>
    public int Concurrency { get; init; } = 1;
    /// <summary>Relative paths in parameters and stored runs are resolved against this folder.</summary>
    public string Root { get; init; } = Directory.GetCurrentDirectory();
    /// <summary>Scratch space (activation caches); dead processes' leftovers in it are removed on start.</summary>
    public string CacheFolder { get; init; } = Path.GetTempPath();
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>A job of another host whose heartbeat is older than this is dead.</summary>
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromMinutes(1);
    /// <summary>How often a queue looks for jobs whose process died (a CLI run killed while the dashboard runs).</summary>
    public TimeSpan RecoverInterval { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Progress reaches the store at most this often (pages poll it; the engine must not wait on SQLite).</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(500);
    /// <summary>Sees every progress report of the jobs this process runs, unthrottled, with the phase's rate per second
    /// (the CLI's progress bar).</summary>
    public Action<JobProgress, double>? OnProgress { get; init; }
    /// <summary>Sees each result a job of this process publishes (the CLI prints attack experiments, removal curves,
    /// context insertions and labelling summaries as the verbs always did).</summary>
    public Action<JobRecord, object>? OnResult { get; init; }
    /// <summary>A job interrupted this many times is not resumed on its own again (it may be what kills the process).</summary>
    public int MaxAttempts { get; init; } = 3;
    /// <summary>Where dissections run when a cluster is configured (Dissection.Cluster); null: in this process.</summary>
    public IJobCluster? Cluster { get; init; }
    /// <summary>Light kinds (the dashboard's report: it reads the store and draws thumbnails, no forward passes) that
    /// may take one extra slot while the Concurrency slots are busy, so a report is not stuck behind an hour of
    /// dissections. They still take a normal slot, oldest first, when one is free.</summary>
    public IReadOnlySet<JobKind> ExpressKinds { get; init; } = new HashSet<JobKind>();
    /// <summary>Interactive work of the same process that jobs give way to at each progress report (a batch
    /// boundary); null: jobs never wait (the CLI, where nothing else runs).</summary>
    public InteractivePriority? Interactive { get; init; }
}

public sealed class JobExecutor : IDisposable
{
    public const string InterruptedMessage = "Interrupted: the process running it stopped.";
    public const string ShutdownMessage = "Interrupted: the process was shut down.";
    public const string ResumedMessage = "Resumed after an interruption.";

    private readonly string _database;
    private readonly Dictionary<JobKind, IJobHandler> _handlers;
    private readonly ConcurrentDictionary<long, Active> _active = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Timer _heartbeat;
    private readonly Lock _gate = new();

    public JobExecutor(string databasePath, IEnumerable<IJobHandler> handlers, JobExecutorOptions? options = null)
    {
        _database = databasePath;
        Options = options ?? new JobExecutorOptions();
        if (Options.Concurrency < 1) throw new ArgumentOutOfRangeException(nameof(options), "Concurrency must be at least 1");
        _handlers = handlers.ToDictionary(h => h.Kind);
        _heartbeat = new Timer(_ => Beat(), null, Options.HeartbeatInterval, Options.HeartbeatInterval);
    }

    public JobExecutorOptions Options { get; }

    /// <summary>The kinds this executor can run.</summary>
    public IReadOnlyCollection<JobKind> Kinds => _handlers.Keys;

    // ---- asking for work ----

    /// <summary>Checks a request's parameters as its handler would. Throws JobParameterException naming the field.</summary>
    public void Validate(JobKind kind, object parameters) => Handler(kind).Validate(Serialize(parameters), Options.Root);

    /// <summary>Validates and queues a job; a running queue (RunAsync) takes it in order. Returns the job id.</summary>
    public long Enqueue(JobRequest request)
    {
        var json = Serialize(request.Parameters);
        Handler(request.Kind).Validate(json, Options.Root);
        var id = Store(s => s.Jobs.CreateJob(request, json));
        if (request.RunId is { } run) Store(s => { s.Runs.SetStatus(run, RunStatus.Queued); return 0; });
        _wake.Release();
        return id;
    }

    /// <summary>Validates and runs a job on this thread now (the CLI): the job is recorded as running in this process,
    /// with a heartbeat, so the dashboard follows it and can cancel it. Returns the job as it ended.</summary>
    public JobRecord RunNow(JobRequest request, CancellationToken cancel)
    {
        var json = Serialize(request.Parameters);
        Handler(request.Kind).Validate(json, Options.Root);
        var id = Store(s => s.Jobs.CreateJob(request, json, JobOwner.Current));
        return Execute(Store(s => s.Jobs.GetJob(id))!, cancel, outerMeansCancel: true);
    }

    /// <summary>Continues an interrupted or failed job on this thread now (`dissect run --resume`). Throws
    /// InvalidOperationException saying why when the job is running elsewhere, done or cancelled.</summary>
    public JobRecord Resume(long jobId, CancellationToken cancel)
    {
        Recover(resumeInterrupted: false);
        var job = Store(s => s.Jobs.ClaimJob(jobId, JobOwner.Current));
        if (job is null)
        {
            var now = Store(s => s.Jobs.GetJob(jobId));
            throw new InvalidOperationException(now switch
            {
                null => $"There is no job {jobId}.",
                { State: JobState.Running } => $"Job {jobId} is still running ({now.Owner}).",
                _ => $"Job {jobId} is {now.State.ToString().ToLowerInvariant()}; only an interrupted or failed job can be resumed.",
            });
        }
        return Execute(job, cancel, outerMeansCancel: true);
    }

    /// <summary>Queues an interrupted or failed job again, for a running queue to continue. False otherwise.</summary>
    public bool Requeue(long jobId)
    {
        var job = Store(s => s.Jobs.GetJob(jobId));
        if (job is null || !Store(s => s.Jobs.RequeueJob(jobId, ResumedMessage))) return false;
        if (job.RunId is { } run) TryRun(s => s.Runs.SetStatus(run, RunStatus.Queued, ResumedMessage));
        _wake.Release();
        return true;
    }

    /// <summary>Cancels a queued job, or stops a running one (here at once, in another process at its next
    /// heartbeat). False when the job has already ended.</summary>
    public bool Cancel(long jobId)
    {
        lock (_gate)
        {
            if (_active.TryGetValue(jobId, out var active))
            {
                active.Cancel(userAsked: true);
                return true;
            }
            if (Store(s => s.Jobs.CancelQueuedJob(jobId, "Cancelled before it started.")))
            {
                if (Store(s => s.Jobs.GetJob(jobId))?.RunId is { } run) TryRun(s => s.Runs.SetStatus(run, RunStatus.Cancelled, "Cancelled before it started."));
                return true;
            }
            return Store(s => s.Jobs.RequestJobCancel(jobId));
        }
    }

    public JobRecord? Get(long jobId) => Store(s => s.Jobs.GetJob(jobId));

    /// <summary>The newest jobs first.</summary>
    public IReadOnlyList<JobRecord> List(int limit = 200) => Store(s => s.Jobs.ListJobs(limit));

    /// <summary>Whether this process is running the job now.</summary>
    public bool IsRunningHere(long jobId) => _active.ContainsKey(jobId);

    // ---- the queue ----

    /// <summary>
    /// Runs queued jobs until <paramref name="stopping"/>: first declares dead processes' jobs interrupted, resumes
    /// this queue's interrupted jobs and removes orphaned caches; then takes jobs oldest first, Concurrency at a time.
    /// On stop the running jobs end Interrupted, to be resumed on the next start.
    /// </summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        Recover(resumeInterrupted: true);
        ScratchFolders.RemoveOrphans(Options.CacheFolder);
        var running = new List<(Task Task, bool Express)>();
        var lastRecover = Environment.TickCount64;
        while (!stopping.IsCancellationRequested)
        {
            running.RemoveAll(t => t.Task.IsCompleted);
            while (NextJob(running.Count(r => !r.Express), running.Count(r => r.Express)) is { } next)
            {
                var job = next.Job;
                running.Add((Task.Factory.StartNew(() => Execute(job, stopping, outerMeansCancel: false), stopping, TaskCreationOptions.LongRunning, TaskScheduler.Default), next.Express));
            }
            try { await _wake.WaitAsync(Options.RecoverInterval, stopping); }
            catch (OperationCanceledException) { break; }
            if (Environment.TickCount64 - lastRecover >= Options.RecoverInterval.TotalMilliseconds)
            {
                lastRecover = Environment.TickCount64;
                try { Recover(resumeInterrupted: false); }
                catch (Exception) { /* the store is busy or gone; try again next round */ }
            }
        }
        try { await Task.WhenAll(running.Select(r => r.Task)); }
        catch (Exception) { /* each job recorded its own end */ }
    }

    /// <summary>The next job to start: the oldest queued one while a normal slot is free, else the oldest queued
    /// express job while the one express slot is free.</summary>
    private (JobRecord Job, bool Express)? NextJob(int normal, int express)
    {
        if (normal < Options.Concurrency)
            return Store(s => s.Jobs.ClaimNextJob(JobOwner.Current)) is { } any ? (any, false) : null;
        if (express < 1 && Options.ExpressKinds.Count > 0)
            return Store(s => s.Jobs.ClaimNextJob(JobOwner.Current, Options.ExpressKinds)) is { } light ? (light, true) : null;
        return null;
    }

    /// <summary>
    /// Declares every running job whose process is dead interrupted (any process may do this: the dashboard for a
    /// killed CLI run and vice versa), and its run failed with a note on how to resume. With
    /// <paramref name="resumeInterrupted"/>, jobs that resume on start are queued again instead (up to MaxAttempts).
    /// At a queue's start, runs left Running without a job (an older program) are failed too. Returns how many jobs
    /// were interrupted.
    /// </summary>
    public int Recover(bool resumeInterrupted)
    {
        var now = DateTime.UtcNow;
        var count = 0;
        foreach (var job in Store(s => s.Jobs.ListJobs(int.MaxValue, JobState.Running)))
        {
            if (_active.ContainsKey(job.Id) || job.Owner is not { } owner || owner.IsAlive(job.HeartbeatUtc, now, Options.StaleAfter)) continue;
            var requeue = resumeInterrupted && CanResumeOnItsOwn(job);
            if (!Store(s => s.Jobs.InterruptJob(job.Id, owner, requeue ? ResumedMessage : InterruptedMessage, requeue))) continue;
            count++;
            MirrorInterrupted(job, requeue);
        }
        if (resumeInterrupted)
            foreach (var job in Store(s => s.Jobs.ListJobs(int.MaxValue, JobState.Interrupted)).Where(CanResumeOnItsOwn))
                if (Store(s => s.Jobs.RequeueJob(job.Id, ResumedMessage))) MirrorInterrupted(job, requeue: true);
        // Only at a queue's start: while it runs, the dashboard itself keeps a run Running with no job yet (the demo
        // world being generated).
        if (resumeInterrupted) Store(s => s.Runs.MarkInterruptedRuns());
        return count;
    }

    private bool CanResumeOnItsOwn(JobRecord job) => job.ResumeOnStart && job.Attempts < Options.MaxAttempts;

    private void MirrorInterrupted(JobRecord job, bool requeue)
    {
        if (job.RunId is not { } run) return;
        TryRun(s => s.Runs.SetStatus(run, requeue ? RunStatus.Queued : RunStatus.Interrupted,
            requeue ? ResumedMessage : $"{InterruptedMessage} Resume it with `dissect run --resume {run}` or from the dashboard."));
    }

    // ---- one job ----

    /// <param name="outerMeansCancel">Whether <paramref name="outer"/> is the user's cancel (Ctrl+C on the CLI) rather
    /// than the process shutting down.</param>
    private JobRecord Execute(JobRecord job, CancellationToken outer, bool outerMeansCancel)
    {
        using var active = new Active(outer, outerMeansCancel);
        _active[job.Id] = active;
        try
        {
            var runId = job.RunId;
            if (runId is { } r0) TryRun(s => s.Runs.SetStatus(r0, RunStatus.Running, null));
            var throttle = new Throttle(Options.ProgressInterval);
            var context = new JobContext(job, _database, Options.Root, Options.CacheFolder, Options.Cluster, active.Token,
                (p, rate) =>
                {
                    active.Progress = p;
                    Options.OnProgress?.Invoke(p, rate);
                    Options.Interactive?.GiveWay(active.Token);
                    if (!throttle.Due(p)) return;
                    TryRun(s => s.Jobs.UpdateJobProgress(job.Id, p));
                    if (runId is { } r) TryRun(s => s.Runs.UpdateProgress(r, p.Phase, p.Fraction, rate));
                },
                run =>
                {
                    runId = run;
                    Store(s => { s.Jobs.SetJobRun(job.Id, run); s.Runs.SetStatus(run, RunStatus.Running); return 0; });
                },
                result => Options.OnResult?.Invoke(job, result));
            var (state, message) = Run(job, context, active);
            if (active.Progress is { } last) TryRun(s => s.Jobs.UpdateJobProgress(job.Id, last));
            // The run first, the job last: whoever sees the job ended finds its run ended too.
            if (runId is { } run) MirrorEnd(run, state, message);
            TryStore(s => s.Jobs.FinishJob(job.Id, state, message));
            _wake.Release();
            return Store(s => s.Jobs.GetJob(job.Id))!;
        }
        finally
        {
            _active.TryRemove(job.Id, out _);
        }
    }

    private (JobState, string?) Run(JobRecord job, JobContext context, Active active)
    {
        try
        {
            Handler(job.Kind).Execute(context);
            active.Token.ThrowIfCancellationRequested();
            return (JobState.Done, context.Note);
        }
        // Once a stop was asked for, whatever the engine throws on its way out (a plain or an aggregated
        // cancellation, an interrupted read) means "stopped", not "failed".
        catch (Exception) when (active.Token.IsCancellationRequested)
        {
            return active.UserAsked ? (JobState.Cancelled, "Cancelled by the user.") : (JobState.Interrupted, ShutdownMessage);
        }
        catch (Exception e)
        {
            return (JobState.Failed, JobMessages.Describe(e, Options.Root));
        }
    }

    private void MirrorEnd(long run, JobState state, string? message)
    {
        switch (state)
        {
            case JobState.Done:
                // A handler that set Done itself (with its image count and notes) is left as it is.
                if (Store(s => s.Runs.GetRun(run))?.Status != RunStatus.Done) TryRun(s => s.Runs.SetStatus(run, RunStatus.Done, message));
                break;
            case JobState.Cancelled: TryRun(s => s.Runs.SetStatus(run, RunStatus.Cancelled, message)); break;
            case JobState.Failed: TryRun(s => s.Runs.SetStatus(run, RunStatus.Failed, message)); break;
            case JobState.Interrupted: TryRun(s => s.Runs.SetStatus(run, RunStatus.Interrupted, $"{message} It resumes on the next start.")); break;
        }
    }

    private void Beat()
    {
        if (_active.IsEmpty) return;
        try
        {
            foreach (var id in Store(s => s.Jobs.Heartbeat(JobOwner.Current, _active.Keys.ToList())))
                if (_active.TryGetValue(id, out var a)) a.Cancel(userAsked: true);
        }
        catch (Exception) { /* a busy store; the next beat comes soon, and StaleAfter is many beats long */ }
    }

    private IJobHandler Handler(JobKind kind) =>
        _handlers.GetValueOrDefault(kind) ?? throw new NotSupportedException($"This program cannot run {kind} jobs.");

    private static string Serialize(object parameters) => JsonSerializer.Serialize(parameters, parameters.GetType(), JobJson.Options);

    private T Store<T>(Func<ResultsStore, T> f)
    {
        using var store = ResultsStore.Open(_database);
        return f(store);
    }

    private bool TryStore(Func<ResultsStore, bool> f)
    {
        try { return Store(f); }
        catch (Exception) { return false; }
    }

    private void TryRun(Action<ResultsStore> f)
    {
        try { Store(s => { f(s); return 0; }); }
        catch (Exception) { /* bookkeeping of a run is best effort; the job row holds the truth */ }
    }

    public void Dispose()
    {
        _heartbeat.Dispose();
        _wake.Dispose();
    }

    /// <summary>A job running in this process: its cancel source and why it was cancelled.</summary>
    private sealed class Active(CancellationToken outer, bool outerMeansCancel) : IDisposable
    {
        private readonly CancellationTokenSource _cts = CancellationTokenSource.CreateLinkedTokenSource(outer);
        public CancellationToken Token => _cts.Token;
        public bool UserAsked { get; private set; } = outerMeansCancel;
        public JobProgress? Progress { get; set; }

        public void Cancel(bool userAsked)
        {
            if (!_cts.IsCancellationRequested) UserAsked = userAsked;
            try { _cts.Cancel(); } catch (ObjectDisposedException) { }
        }

        public void Dispose() => _cts.Dispose();
    }

    /// <summary>Lets a report through when the phase changes, the phase completes, or the interval has passed.</summary>
    private sealed class Throttle(TimeSpan interval)
    {
        private long _last = long.MinValue / 2;
        private string? _phase;

        public bool Due(JobProgress p)
        {
            var now = Environment.TickCount64;
            if (p.Phase == _phase && p.Done < p.Total && now - _last < interval.TotalMilliseconds) return false;
            _phase = p.Phase;
            _last = now;
            return true;
        }
    }
}
