// The jobs table: the executor's queue and record of every long job (JobExecutor owns the life; this file only
// reads and writes rows). Every state change is one conditional UPDATE, so two processes sharing the database
// (the dashboard and a CLI run) never both claim, finish or interrupt the same job.
using System.Globalization;
using Dissection.Core.Jobs;
using Dissection.Core.Storage;
using Microsoft.Data.Sqlite;
using Dissection.Core.Work;
using static Dissection.Core.Storage.ResultsStore;

namespace Dissection.Core.Jobs;

public sealed class JobStore : FeatureStore
{
    internal JobStore(ResultsStore store) : base(store) { }

    private const string JobColumns = """
        id, kind, title, parameters, requested_by, run_id, state, phase, done, total, eta_seconds, message,
        created_utc, started_utc, finished_utc, owner_host, owner_pid, owner_started_utc, heartbeat_utc, attempts,
        cancel_requested, resume_on_start
        """;

    /// <summary>Records a job. With <paramref name="claimFor"/> it is created already running in that process (the
    /// CLI runs its own job at once); otherwise it is queued.</summary>
    public long CreateJob(JobRequest request, string parametersJson, JobOwner? claimFor = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = Utc(DateTime.UtcNow);
        using var c = Connect();
        using var cmd = Command(c, null, """
            INSERT INTO jobs (kind, title, parameters, requested_by, run_id, state, created_utc, started_utc,
                              owner_host, owner_pid, owner_started_utc, heartbeat_utc, attempts, resume_on_start)
            VALUES ($kind, $title, $parameters, $by, $run, $state, $now, $started, $host, $pid, $pstart, $beat, $attempts, $resume)
            RETURNING id
            """,
            ("$kind", request.Kind.ToString()), ("$title", request.Title), ("$parameters", parametersJson),
            ("$by", request.RequestedBy), ("$run", request.RunId),
            ("$state", (claimFor is null ? JobState.Queued : JobState.Running).ToString()), ("$now", now),
            ("$started", claimFor is null ? null : now), ("$host", claimFor?.Host), ("$pid", claimFor?.ProcessId),
            ("$pstart", claimFor is null ? null : Utc(claimFor.ProcessStartUtc)), ("$beat", claimFor is null ? null : now),
            ("$attempts", claimFor is null ? 0 : 1), ("$resume", request.ResumeOnStart));
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    public JobRecord? GetJob(long jobId)
    {
        using var c = Connect();
        using var cmd = Command(c, null, $"SELECT {JobColumns} FROM jobs WHERE id = $id", ("$id", jobId));
        using var r = cmd.ExecuteReader();
        return r.Read() ? ReadJob(r) : null;
    }

    /// <summary>The newest jobs first (at most <paramref name="limit"/>); with a state, only jobs in it.</summary>
    public IReadOnlyList<JobRecord> ListJobs(int limit = 200, JobState? state = null)
    {
        using var c = Connect();
        using var cmd = Command(c, null, $"""
            SELECT {JobColumns} FROM jobs WHERE $state IS NULL OR state = $state ORDER BY id DESC LIMIT $limit
            """, ("$state", state?.ToString()), ("$limit", Math.Max(0, limit)));
        return ReadJobs(cmd);
    }

    /// <summary>The latest job that wrote into a run, or null (runs made before jobs existed have none).</summary>
    public JobRecord? JobOfRun(long runId)
    {
        using var c = Connect();
        using var cmd = Command(c, null, $"SELECT {JobColumns} FROM jobs WHERE run_id = $run ORDER BY id DESC LIMIT 1", ("$run", runId));
        using var r = cmd.ExecuteReader();
        return r.Read() ? ReadJob(r) : null;
    }

    /// <summary>Takes the oldest queued job for <paramref name="owner"/>: Running, one more attempt, a fresh heartbeat.
    /// Null when none waits.</summary>
    public JobRecord? ClaimNextJob(JobOwner owner, IReadOnlyCollection<JobKind>? onlyKinds = null)
    {
        using var c = Connect();
        using var tx = c.BeginTransaction();
        // Kind names are enum names (no quoting needed); an empty filter matches nothing.
        var kinds = onlyKinds is null ? "" : $" AND kind IN ({string.Join(",", onlyKinds.Select(k => $"'{k}'").DefaultIfEmpty("NULL"))})";
        using var pick = Command(c, tx, $"SELECT id FROM jobs WHERE state = 'Queued'{kinds} ORDER BY id LIMIT 1");
        if (pick.ExecuteScalar() is not long id) return null;
        var claimed = Claim(c, tx, id, owner, "state = 'Queued'");
        tx.Commit();
        return claimed;
    }

    /// <summary>Takes a given job for <paramref name="owner"/> if it is queued, interrupted or failed (a resume).
    /// Null when it is running elsewhere, done, cancelled or unknown.</summary>
    public JobRecord? ClaimJob(long jobId, JobOwner owner)
    {
        using var c = Connect();
        using var tx = c.BeginTransaction();
        var claimed = Claim(c, tx, jobId, owner, "state IN ('Queued','Interrupted','Failed')");
        tx.Commit();
        return claimed;
    }

    private static JobRecord? Claim(SqliteConnection c, SqliteTransaction tx, long id, JobOwner owner, string condition)
    {
        var now = Utc(DateTime.UtcNow);
        using var cmd = Command(c, tx, $"""
            UPDATE jobs SET state = 'Running', started_utc = COALESCE(started_utc, $now), finished_utc = NULL,
                            owner_host = $host, owner_pid = $pid, owner_started_utc = $pstart, heartbeat_utc = $now,
                            attempts = attempts + 1, cancel_requested = 0
            WHERE id = $id AND {condition}
            RETURNING {JobColumns}
            """, ("$id", id), ("$now", now), ("$host", owner.Host), ("$pid", owner.ProcessId), ("$pstart", Utc(owner.ProcessStartUtc)));
        using var r = cmd.ExecuteReader();
        return r.Read() ? ReadJob(r) : null;
    }

    /// <summary>Links a job to the run it writes into.</summary>
    public void SetJobRun(long jobId, long runId)
    {
        using var c = Connect();
        Execute(c, null, "UPDATE jobs SET run_id = $run WHERE id = $id", ("$id", jobId), ("$run", runId));
    }

    /// <summary>Progress of a running job, with a heartbeat.</summary>
    public void UpdateJobProgress(long jobId, JobProgress progress)
    {
        using var c = Connect();
        Execute(c, null, """
            UPDATE jobs SET phase = $phase, done = $done, total = $total, eta_seconds = $eta, heartbeat_utc = $now
            WHERE id = $id AND state = 'Running'
            """, ("$id", jobId), ("$phase", progress.Phase), ("$done", progress.Done), ("$total", progress.Total),
            ("$eta", progress.EtaSeconds is { } e && double.IsFinite(e) ? e : null), ("$now", Utc(DateTime.UtcNow)));
    }

    /// <summary>Stamps the heartbeat of the given running jobs of <paramref name="owner"/>; returns those of them
    /// whose cancel was asked for by another process.</summary>
    public IReadOnlyList<long> Heartbeat(JobOwner owner, IReadOnlyCollection<long> jobIds)
    {
        var cancelled = new List<long>();
        if (jobIds.Count == 0) return cancelled;
        using var c = Connect();
        using var tx = c.BeginTransaction();
        foreach (var id in jobIds)
        {
            using var cmd = Command(c, tx, """
                UPDATE jobs SET heartbeat_utc = $now
                WHERE id = $id AND state = 'Running' AND owner_host = $host AND owner_pid = $pid
                RETURNING cancel_requested
                """, ("$id", id), ("$now", Utc(DateTime.UtcNow)), ("$host", owner.Host), ("$pid", owner.ProcessId));
            if (cmd.ExecuteScalar() is long flag && flag != 0) cancelled.Add(id);
        }
        tx.Commit();
        return cancelled;
    }

    /// <summary>Ends a running job (Done, Failed, Cancelled or Interrupted). False when it was not running any more
    /// (another process declared it interrupted meanwhile).</summary>
    public bool FinishJob(long jobId, JobState state, string? message)
    {
        if (state is JobState.Queued or JobState.Running) throw new ArgumentOutOfRangeException(nameof(state), state, "not an end state");
        using var c = Connect();
        return Execute(c, null, """
            UPDATE jobs SET state = $state, message = $message, finished_utc = $now, eta_seconds = NULL
            WHERE id = $id AND state = 'Running'
            """, ("$id", jobId), ("$state", state.ToString()), ("$message", message), ("$now", Utc(DateTime.UtcNow))) > 0;
    }

    /// <summary>Cancels a job that has not started. False when it is not queued.</summary>
    public bool CancelQueuedJob(long jobId, string message)
    {
        using var c = Connect();
        return Execute(c, null, """
            UPDATE jobs SET state = 'Cancelled', message = $message, finished_utc = $now WHERE id = $id AND state = 'Queued'
            """, ("$id", jobId), ("$message", message), ("$now", Utc(DateTime.UtcNow))) > 0;
    }

    /// <summary>Asks the process running a job to stop it (it sees the flag at its next heartbeat). False when the
    /// job is not running.</summary>
    public bool RequestJobCancel(long jobId)
    {
        using var c = Connect();
        return Execute(c, null, "UPDATE jobs SET cancel_requested = 1 WHERE id = $id AND state = 'Running'", ("$id", jobId)) > 0;
    }

    /// <summary>Declares a running job of a dead owner interrupted, or queues it again when <paramref name="requeue"/>.
    /// Compare-and-set on the owner, so a job that was claimed again meanwhile is left alone.</summary>
    public bool InterruptJob(long jobId, JobOwner deadOwner, string message, bool requeue)
    {
        using var c = Connect();
        return Execute(c, null, """
            UPDATE jobs SET state = $state, message = $message, finished_utc = CASE WHEN $requeue THEN NULL ELSE $now END,
                            eta_seconds = NULL
            WHERE id = $id AND state = 'Running' AND owner_host = $host AND owner_pid = $pid AND owner_started_utc = $pstart
            """, ("$id", jobId), ("$state", (requeue ? JobState.Queued : JobState.Interrupted).ToString()), ("$message", message),
            ("$requeue", requeue), ("$now", Utc(DateTime.UtcNow)), ("$host", deadOwner.Host), ("$pid", deadOwner.ProcessId),
            ("$pstart", Utc(deadOwner.ProcessStartUtc))) > 0;
    }

    /// <summary>Queues an interrupted or failed job again (a resume asked for from the dashboard). False otherwise.</summary>
    public bool RequeueJob(long jobId, string? message)
    {
        using var c = Connect();
        return Execute(c, null, """
            UPDATE jobs SET state = 'Queued', message = $message, finished_utc = NULL
            WHERE id = $id AND state IN ('Interrupted','Failed')
            """, ("$id", jobId), ("$message", message)) > 0;
    }

    private static List<JobRecord> ReadJobs(SqliteCommand cmd)
    {
        using var r = cmd.ExecuteReader();
        var jobs = new List<JobRecord>();
        while (r.Read()) jobs.Add(ReadJob(r));
        return jobs;
    }

    private static JobRecord ReadJob(SqliteDataReader r) => new(
        Id: r.GetInt64(0),
        Kind: Enum.Parse<JobKind>(r.GetString(1)),
        Title: r.GetString(2),
        Parameters: r.GetString(3),
        RequestedBy: r.IsDBNull(4) ? null : r.GetString(4),
        RunId: r.IsDBNull(5) ? null : r.GetInt64(5),
        State: Enum.Parse<JobState>(r.GetString(6)),
        Progress: r.IsDBNull(7) ? null : new JobProgress(r.GetString(7), r.GetInt64(8), r.GetInt64(9), r.IsDBNull(10) ? null : r.GetDouble(10)),
        Message: r.IsDBNull(11) ? null : r.GetString(11),
        CreatedUtc: ParseUtc(r.GetString(12)),
        StartedUtc: r.IsDBNull(13) ? null : ParseUtc(r.GetString(13)),
        FinishedUtc: r.IsDBNull(14) ? null : ParseUtc(r.GetString(14)),
        Owner: r.IsDBNull(15) ? null : new JobOwner(r.GetString(15), r.GetInt32(16), ParseUtc(r.GetString(17))),
        HeartbeatUtc: r.IsDBNull(18) ? null : ParseUtc(r.GetString(18)),
        Attempts: r.GetInt32(19),
        CancelRequested: r.GetInt64(20) != 0,
        ResumeOnStart: r.GetInt64(21) != 0);
}

/// <summary>store.Jobs: the jobs table is reached like every other feature of the store, though the job types live
/// here in Jobs/, above the store.</summary>
public static class JobStoreAccess
{
    extension(ResultsStore store)
    {
        public JobStore Jobs => new(store);
    }
}
