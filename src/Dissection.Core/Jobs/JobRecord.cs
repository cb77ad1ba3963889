// A job as the store keeps it: what to do (kind, title, parameters as JSON), who asked (the circuit, opaque to the
// engine), the run it writes into, its state and progress, and which process runs it with its last heartbeat.
using Dissection.Core.Work;
namespace Dissection.Core.Jobs;

public sealed record JobRecord(
    long Id,
    JobKind Kind,
    string Title,
    /// <summary>The kind's parameters as JSON; JobContext.Parameters reads them back.</summary>
    string Parameters,
    /// <summary>Who queued it (a dashboard circuit id, "cli"); only compared for equality, never shown to others.</summary>
    string? RequestedBy,
    /// <summary>The run the job writes into, when it has one (a dissection, or the run an ablation belongs to).</summary>
    long? RunId,
    JobState State,
    JobProgress? Progress,
    /// <summary>Why it failed, or a note (skipped images, "resumed after an interruption").</summary>
    string? Message,
    DateTime CreatedUtc,
    DateTime? StartedUtc,
    DateTime? FinishedUtc,
    JobOwner? Owner,
    DateTime? HeartbeatUtc,
    /// <summary>How many times it was started (1 on the first run, more after resumes).</summary>
    int Attempts,
    /// <summary>Whether a cancel was asked for; the owning process stops the job at its next heartbeat.</summary>
    bool CancelRequested,
    /// <summary>Whether a job queue resumes it on its own after an interruption (dashboard jobs do, CLI jobs wait
    /// for `--resume`).</summary>
    bool ResumeOnStart);

/// <summary>What Enqueue needs to record a job.</summary>
/// <param name="Parameters">Serialised to JSON (web defaults, enums as words).</param>
/// <param name="ResumeOnStart">Whether a process that starts a job queue resumes the job when it was interrupted
/// (dashboard jobs); a CLI job waits for `--resume`.</param>
public sealed record JobRequest(JobKind Kind, string Title, object Parameters, string? RequestedBy = null, long? RunId = null,
    bool ResumeOnStart = true);
