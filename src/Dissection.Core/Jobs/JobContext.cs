// What a running job's handler sees: its record, the cancel token, and the way to report progress (phase, count;
// the ETA is worked out here from the phase's rate), and the way to hand its result to the caller in this process.
// The executor throttles what reaches the store.
using Dissection.Core.Dissection;
using Dissection.Core.Work;
using Dissection.Core.Storage;

namespace Dissection.Core.Jobs;

public sealed class JobContext
{
    private readonly Action<JobProgress, double> _report;
    private readonly Action<long> _attachRun;
    private readonly Action<object> _publish;
    private string? _phase;
    private long _phaseStartDone;
    private long _phaseStartTicks;

    private readonly string _database;

    internal JobContext(JobRecord job, string database, string root, string cacheFolder, IJobCluster? cluster, CancellationToken cancel,
        Action<JobProgress, double> report, Action<long> attachRun, Action<object> publish)
    {
        Cluster = cluster;
        _publish = publish;
        _database = database;
        Job = job;
        Root = root;
        CacheFolder = cacheFolder;
        Cancel = cancel;
        _report = report;
        _attachRun = attachRun;
        RunId = job.RunId;
    }

    public JobRecord Job { get; }
    public CancellationToken Cancel { get; }
    /// <summary>The cluster dissections run on, when one is configured (JobExecutorOptions.Cluster).</summary>
    public IJobCluster? Cluster { get; }
    /// <summary>The folder relative paths in parameters and stored runs are resolved against.</summary>
    public string Root { get; }
    /// <summary>Where scratch files (activation caches) go; cleaned of dead processes' leftovers on start.</summary>
    public string CacheFolder { get; }
    /// <summary>The run the job writes into, once it has one.</summary>
    public long? RunId { get; private set; }
    /// <summary>A note kept as the job's message when it ends well (e.g. "3 unreadable images skipped").</summary>
    public string? Note { get; set; }

    /// <summary>A relative path against <see cref="Root"/>, an absolute one as is.</summary>
    public string Resolve(string path) => Storage.StoredRunModel.ResolvePath(Root, path);

    /// <summary>The results store the job is recorded in (dispose it).</summary>
    public Storage.ResultsStore OpenStore() => Storage.ResultsStore.Open(_database);

    /// <summary>Links the job to the run it creates, so the run's status follows the job's.</summary>
    public void AttachRun(long runId)
    {
        RunId = runId;
        _attachRun(runId);
    }

    /// <summary>Hands a finished result (an attack experiment, a removal curve) to whoever runs the job in this process
    /// (the CLI prints it); the store stays the record of it.</summary>
    public void Publish(object result) => _publish(result);

    /// <summary>Reports progress within a phase; a new phase name starts a new rate (and ETA).</summary>
    public void Report(string phase, long done, long total)
    {
        var now = Environment.TickCount64;
        if (phase != _phase)
        {
            _phase = phase;
            _phaseStartDone = done;
            _phaseStartTicks = now;
        }
        var seconds = (now - _phaseStartTicks) / 1000.0;
        var rate = seconds > 0.5 && done > _phaseStartDone ? (done - _phaseStartDone) / seconds : 0;
        double? eta = rate > 0 && total > 0 ? Math.Max(0, total - done) / rate : null;
        _report(new JobProgress(phase, done, total, eta), rate);
    }

    /// <summary>The engine's dissection progress, relayed as job progress.</summary>
    public IProgress<DissectionProgress> DissectionProgress() => new Relay(this);

    private sealed class Relay(JobContext context) : IProgress<DissectionProgress>
    {
        public void Report(DissectionProgress value) => context.Report(value.Phase, value.Done, value.Total);
    }
}
