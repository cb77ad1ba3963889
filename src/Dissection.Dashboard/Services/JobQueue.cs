// The dashboard's door to the engine's job executor (Dissection.Core.Jobs): the one place in the dashboard that runs
// long engine work (dissections, ablation runs, GAN experiments, attack batches, labelling, reports). Short interactive work runs in the page's
// own service through a Core session (GanPlaygroundService/Session: PaintSession; AttackService: ImageAttack;
// AblationService: AblationSession; TryImageService: SingleImageProbe; ModelCatalog: layer lists). Jobs are
// recorded in the store (so they survive reloads and restarts), run in order a configurable number at a time, and
// report progress into the store, where pages poll it. On start, jobs of dead processes are declared interrupted and
// this queue's own are resumed, keeping what they had saved.
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
    private readonly DashboardCluster _cluster;

    public JobQueue(StoreAccess store, PathPolicy policy, RepoPaths paths, IOptions<DashboardOptions> options, ReportJob report,
        Dissection.Core.Work.InteractivePriority interactive, DashboardCluster cluster, ILogger<JobQueue> log)
    {
        _store = store;
        _cluster = cluster;
        _policy = policy;
        _log = log;
        Directory.CreateDirectory(Path.GetDirectoryName(paths.Database)!);
        Executor = new JobExecutor(paths.Database, [new DissectClassifierJob(), new DissectGeneratorJob(), new AblateJob(), new GanCausalJob(), new AttackJob(), new LabelJob(), report], new JobExecutorOptions
        {
            Root = paths.Root,
            CacheFolder = paths.CacheFolder,
            Concurrency = Math.Max(1, options.Value.JobConcurrency),
            // A report only reads the store and draws thumbnails: it need not wait for the first start's dissections.
            ExpressKinds = new HashSet<JobKind> { JobKind.Report },
            // Jobs give way at batch boundaries while someone paints, probes or attacks (bench-share measures it).
            Interactive = interactive,
            // With Cluster settings, classifier dissections run on the cluster (their results equal a local run's).
            Cluster = cluster.Configured ? cluster : null,
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
        _cluster.EnsureConnected();   // a configured cluster that cannot be reached: refused before anything is recorded
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

    /// <summary>Queues a job of any kind but the classifier dissection (see <see cref="Enqueue"/>) after checking its
    /// paths against the allowed folders and its parameters with the kind's one Validate(); returns the job id. A
    /// generator dissection records its run first, so it is listed at once.</summary>
    /// <exception cref="PathNotAllowedException">a dataset, image folder or checkpoint is outside the allowed folders.</exception>
    /// <exception cref="JobParameterException">a field is missing or out of range (it names the field).</exception>
    public long Start(object parameters, string? requestedBy = null)
    {
        var (kind, title, checkedParameters) = parameters switch
        {
            AblateParameters p => (JobKind.Ablate, AblateJob.Title(p), p with { Dataset = DisplayDataset(p.Dataset) }),
            GanCausalParameters p => (JobKind.GanCausal, GanCausalJob.Title(p), (object)p),
            AttackParameters p => (JobKind.Attack, AttackJob.Title(p), p with { Dataset = DisplayDataset(p.Dataset) }),
            LabelParameters p => (JobKind.Label, LabelJob.Title(p), p with
            {
                Images = _policy.Display(_policy.ResolveDataset(p.Images)),
                Output = _policy.Display(_policy.ResolveDataset(p.Output)),
                Segmenter = CheckedSpec(p.Segmenter, "segmenter"),
            }),
            DissectGeneratorParameters p => (JobKind.DissectGenerator, DissectGeneratorJob.DefaultName(p), p with
            {
                Model = CheckedSpec(p.Model, "model"),
                Segmenter = CheckedSpec(p.Segmenter, "segmenter"),
            }),
            _ => throw new ArgumentException($"No job kind takes {parameters.GetType().Name}."),
        };
        Executor.Validate(kind, checkedParameters);
        long? runId = checkedParameters is DissectGeneratorParameters g ? _store.Read(s => DissectGeneratorJob.CreateRun(s, g, null)) : null;
        var id = Executor.Enqueue(new JobRequest(kind, title, checkedParameters, requestedBy, runId));
        _log.LogInformation("Queued job {Job}: {Title}", id, title);
        return id;
    }

    /// <summary>The newest job of a kind for a run (and layer) that is still waiting, running or interrupted: a page
    /// that lacks data shows its progress instead of offering to start it again.</summary>
    public JobRecord? PendingJob(JobKind kind, long run, string? layer = null) =>
        Executor.List().Where(j => j.Kind == kind && j.State is JobState.Queued or JobState.Running or JobState.Interrupted
                                   && Targets(j, run, layer)).MaxBy(j => j.Id);

    /// <summary>Whether a job's parameters name the run (runId) and layer; generator dissections by their run.</summary>
    private static bool Targets(JobRecord job, long run, string? layer)
    {
        if (job.RunId == run && layer is null) return true;
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(job.Parameters);
            var root = doc.RootElement;
            if (!root.TryGetProperty("runId", out var r) || r.ValueKind != System.Text.Json.JsonValueKind.Number || r.GetInt64() != run) return false;
            return layer is null || (root.TryGetProperty("layer", out var l) && l.ValueKind == System.Text.Json.JsonValueKind.String && l.GetString() == layer);
        }
        catch (System.Text.Json.JsonException) { return false; }
    }

    private string? DisplayDataset(string? dataset) =>
        string.IsNullOrWhiteSpace(dataset) ? null : _policy.Display(_policy.ResolveDataset(dataset));

    /// <summary>KIND:PATH with its path checked against the model folders and shown relative to the root.</summary>
    private string CheckedSpec(string? spec, string field)
    {
        var t = spec?.Trim() ?? "";
        var colon = t.IndexOf(':');
        if (colon <= 0 || colon == t.Length - 1) throw new JobParameterException(field, $"Name the {field} as KIND:PATH.");
        return $"{t[..colon]}:{_policy.Display(_policy.ResolveCheckpoint(t[(colon + 1)..]))}";
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
    internal static string Describe(Exception e) => Security.ServerPathText.ForBrowser(JobMessages.Describe(e));
}
