// The run page's view of its HTML report: start it as a job of the engine's executor (JobKind.Report, run by the
// JobQueue in turn with the other jobs), follow its progress, cancel it, and find the finished file.
using System.Text.Json;
using Dissection.Core.Jobs;
using Dissection.Core.Storage;

namespace Dissection.Dashboard.Services;

public enum ReportState { None, Queued, Running, Done, Failed, Cancelled }

/// <summary>Where a run's report stands. <see cref="Bytes"/> is the finished file's size.</summary>
public sealed record ReportStatus(long Run, ReportState State, long Done, long Total, string? Message, long Bytes)
{
    public double Fraction => Total <= 0 ? 0 : Math.Clamp((double)Done / Total, 0, 1);
    public bool Active => State is ReportState.Queued or ReportState.Running;
}

public sealed class ReportJobs(JobQueue jobs, ReportJob handler)
{
    public string File(RunInfo run) => handler.File(run);

    /// <summary>Queues the report of a finished run, unless one is already queued or running.</summary>
    public ReportStatus Start(RunInfo run)
    {
        if (run.Status != RunStatus.Done) throw new ArgumentException($"Run {run.Id} has not finished, so it has no report yet.");
        if (Latest(run.Id) is { } job && !job.State.IsFinal() && job.State != JobState.Interrupted) return Status(run);
        jobs.Executor.Enqueue(new JobRequest(JobKind.Report, $"HTML report of run {run.Id}", new ReportParameters(run.Id)));
        return Status(run);
    }

    /// <summary>Asks the run's queued or running report to stop; false when none is.</summary>
    public bool Cancel(long run) => Latest(run) is { } job && !job.State.IsFinal() && jobs.Executor.Cancel(job.Id);

    /// <summary>The newest report job of the run; a finished file counts as done even when its job is forgotten.</summary>
    public ReportStatus Status(RunInfo run)
    {
        var job = Latest(run.Id);
        var file = new FileInfo(File(run));
        switch (job?.State)
        {
            case JobState.Queued:
                return new ReportStatus(run.Id, ReportState.Queued, 0, 0, "waiting for the jobs ahead of it", 0);
            case JobState.Running:
                return new ReportStatus(run.Id, ReportState.Running, job.Progress?.Done ?? 0, job.Progress?.Total ?? 0, job.Progress?.Phase, 0);
        }
        if (file.Exists) return new ReportStatus(run.Id, ReportState.Done, 1, 1, null, file.Length);
        return job?.State switch
        {
            JobState.Cancelled => new ReportStatus(run.Id, ReportState.Cancelled, 0, 0, "Cancelled.", 0),
            JobState.Failed or JobState.Interrupted => new ReportStatus(run.Id, ReportState.Failed, 0, 0, "The report could not be written: " + job.Message, 0),
            _ => new ReportStatus(run.Id, ReportState.None, 0, 0, null, 0),
        };
    }

    private JobRecord? Latest(long run) =>
        jobs.Executor.List().Where(j => j.Kind == JobKind.Report && RunOf(j) == run).MaxBy(j => j.Id);

    private static long? RunOf(JobRecord job)
    {
        try { return JsonSerializer.Deserialize<ReportParameters>(job.Parameters, JobJson.Options)?.RunId; }
        catch (JsonException) { return null; }
    }
}
