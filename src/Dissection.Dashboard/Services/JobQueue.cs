// The dashboard's door to the engine's job executor (Dissection.Core.Jobs): long work (dissections, ablations, GAN
// experiments, reports) runs here; the interactive pages' services (Try, Learn, the playgrounds, the attack) run
// their short engine calls themselves. Jobs are recorded in the store (so they survive reloads and restarts), run in order a
// configurable number at a time, and report progress into the store, where pages poll it. On start, jobs of dead
// processes are declared interrupted and this queue's own are resumed, keeping what they had saved.
using Dissection.Core.Jobs;
using Dissection.Core.Jobs.Kinds;
using Dissection.Core.Models;
using Dissection.Core.Storage;
using Microsoft.Extensions.Options;
using Dissection.Core.Work;

namespace Dissection.Dashboard.Services;

public sealed class JobQueue : BackgroundService
{
    private readonly StoreAccess _store;
    private readonly PathPolicy _policy;
    private readonly ILogger<JobQueue> _log;

    public JobQueue(StoreAccess store, PathPolicy policy, RepoPaths paths, IOptions<DashboardOptions> options, ReportJob report, ILogger<JobQueue> log)
    {
        _store = store;
        _policy = policy;
        _log = log;
        Directory.CreateDirectory(Path.GetDirectoryName(paths.Database)!);
        Executor = new JobExecutor(paths.Database, [new DissectClassifierJob(), new DissectGeneratorJob(), new AblateJob(), new GanCausalJob(), report], new JobExecutorOptions
        {
            Root = paths.Root,
            CacheFolder = paths.CacheFolder,
            Concurrency = Math.Max(1, options.Value.JobConcurrency),
        });
    }

    /// <summary>The engine's executor, for pages that list jobs.</summary>
    public JobExecutor Executor { get; }

    /// <summary>Validates the request, records the run as queued and queues its dissection. Returns the run id.</summary>
    /// <exception cref="PathNotAllowedException">the dataset or checkpoint is outside the allowed folders.</exception>
    /// <exception cref="JobParameterException">a field is missing or out of range (it names the field).</exception>
    public long Enqueue(NewRunRequest request, string? requestedBy = null)
    {
        var dataset = _policy.ResolveDataset(request.Dataset);
        string? checkpoint = string.IsNullOrWhiteSpace(request.Checkpoint) ? null : _policy.ResolveCheckpoint(request.Checkpoint);
        if (string.IsNullOrWhiteSpace(request.Arch)) throw new JobParameterException("model", "Choose a model.");
        var model = new ModelSpec(request.Arch.Trim(), checkpoint is null ? null : _policy.Display(checkpoint)).ToString();
        var parameters = new DissectClassifierParameters(model, _policy.Display(dataset), request.Layers, request.Settings);
        Executor.Validate(JobKind.DissectClassifier, parameters);
        var name = string.IsNullOrWhiteSpace(request.Name) ? $"{request.Arch} on {Path.GetFileName(dataset)}" : request.Name.Trim();
        var id = _store.Write(s => DissectClassifierJob.CreateRun(s, parameters, name));
        EnqueueForRun(id, parameters, requestedBy);
        _log.LogInformation("Queued run {Run}: {Model} on {Dataset}, layers {Layers}", id, model, dataset, string.Join(",", request.Layers));
        return id;
    }

    /// <summary>Queues the dissection of a run that is already recorded (the demo bootstrap creates its own, to show
    /// the world's generation on it first).</summary>
    public long EnqueueForRun(long runId, DissectClassifierParameters parameters, string? requestedBy = null)
    {
        var name = _store.Read(s => s.Runs.GetRun(runId))?.Name ?? $"run {runId}";
        return Executor.Enqueue(new JobRequest(JobKind.DissectClassifier, name, parameters, requestedBy, runId));
    }

    /// <summary>Cancels a run's queued or running job (also one a CLI process runs: it stops at its next heartbeat).
    /// False when it has already ended.</summary>
    public bool Cancel(long runId)
    {
        if (_store.Read(s => s.Jobs.JobOfRun(runId)) is { } job) return Executor.Cancel(job.Id);
        // A run recorded without a job (an older program) can only be cancelled while it waits.
        var run = _store.Read(s => s.Runs.GetRun(runId));
        if (run?.Status != RunStatus.Queued) return false;
        _store.Write(s => s.Runs.SetStatus(runId, RunStatus.Cancelled, "Cancelled before it started."));
        return true;
    }

    /// <summary>Whether this process is working on the run now.</summary>
    public bool IsRunning(long runId) => _store.Read(s => s.Jobs.JobOfRun(runId)) is { } job && Executor.IsRunningHere(job.Id);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        // Synchronously, before the next hosted service (the demo bootstrap) starts: dead processes' jobs are
        // declared interrupted and this queue's own are queued again, so the bootstrap sees them waiting.
        try
        {
            var interrupted = Executor.Recover(resumeInterrupted: true);
            if (interrupted > 0) _log.LogWarning("{Count} job(s) were interrupted by the last shutdown and are resumed", interrupted);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _log.LogError(e, "Cannot read the results store at start-up");
        }
        try { await Task.Run(() => Executor.RunAsync(stopping), CancellationToken.None); }
        catch (Exception e) when (e is not OperationCanceledException) { _log.LogError(e, "The job queue stopped"); }
    }

    public override void Dispose()
    {
        Executor.Dispose();
        base.Dispose();
    }

    /// <summary>The engine's own message, with no server path.</summary>
    internal static string Describe(Exception e) => JobMessages.Describe(e);
}
