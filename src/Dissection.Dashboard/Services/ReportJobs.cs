// The HTML report of a run as a background job: one at a time per run, with progress (units drawn of all units)
// and cancel, written to the cache folder beside a temporary name and moved into place only when complete, so a
// download never gets half a report. A finished report is kept on disk and served again after a restart.
using System.Collections.Concurrent;
using System.Text;
using Dissection.Core.Dissection;
using Dissection.Core.Storage;

namespace Dissection.Dashboard.Services;

public enum ReportState { None, Running, Done, Failed, Cancelled }

/// <summary>Where a run's report stands. <see cref="Bytes"/> is the finished file's size.</summary>
public sealed record ReportStatus(long Run, ReportState State, long Done, long Total, string? Message, long Bytes, TimeSpan Elapsed)
{
    public double Fraction => Total <= 0 ? 0 : Math.Clamp((double)Done / Total, 0, 1);
}

public sealed class ReportJobs(ExportService export, RepoPaths paths, ILogger<ReportJobs> log)
{
    private sealed class Job(long run)
    {
        public readonly long Run = run;
        public readonly CancellationTokenSource Cancel = new();
        public readonly long Started = Environment.TickCount64;
        public volatile ReportStatus Status = new(run, ReportState.Running, 0, 0, null, 0, TimeSpan.Zero);
    }

    private readonly ConcurrentDictionary<long, Job> _jobs = new();

    /// <summary>The finished report's file (it exists only once complete). The run's creation time is in the name, so
    /// a report never outlives its run in a replaced database.</summary>
    public string File(RunInfo run) => Path.Combine(paths.CacheFolder, "reports", $"run{run.Id}-{run.CreatedUtc.Ticks}-report.html");

    /// <summary>Starts writing the report of a finished run, or returns the job already writing it.</summary>
    public ReportStatus Start(RunInfo run)
    {
        if (run.Status != RunStatus.Done) throw new ArgumentException($"Run {run.Id} has not finished, so it has no report yet.");
        var job = new Job(run.Id);
        var current = _jobs.AddOrUpdate(run.Id, job, (_, old) => old.Status.State == ReportState.Running ? old : job);
        if (current != job) return current.Status;
        _ = Task.Factory.StartNew(() => Write(job, run), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return job.Status;
    }

    /// <summary>Asks a running report to stop; false when none runs for the run.</summary>
    public bool Cancel(long run)
    {
        if (!_jobs.TryGetValue(run, out var job) || job.Status.State != ReportState.Running) return false;
        job.Cancel.Cancel();
        return true;
    }

    /// <summary>The job of this process for the run, else a finished report from an earlier one, else None.</summary>
    public ReportStatus Status(RunInfo run)
    {
        if (_jobs.TryGetValue(run.Id, out var job) && job.Status.State != ReportState.Done) return job.Status;
        var file = new FileInfo(File(run));
        if (file.Exists) return new ReportStatus(run.Id, ReportState.Done, 1, 1, null, file.Length, job?.Status.Elapsed ?? TimeSpan.Zero);
        return job?.Status ?? new ReportStatus(run.Id, ReportState.None, 0, 0, null, 0, TimeSpan.Zero);
    }

    private void Write(Job job, RunInfo run)
    {
        var target = File(run);
        var tmp = $"{target}.{Guid.NewGuid():N}.tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            using (var output = new StreamWriter(tmp, false, new UTF8Encoding(false), 1 << 16))
                export.WriteReport(run, output, new Progress(job), job.Cancel.Token);
            System.IO.File.Move(tmp, target, overwrite: true);
            var bytes = new FileInfo(target).Length;
            job.Status = job.Status with { State = ReportState.Done, Bytes = bytes, Elapsed = Elapsed(job) };
            log.LogInformation("Report of run {Run}: {Bytes} bytes in {Seconds:0.0} s", run.Id, bytes, Elapsed(job).TotalSeconds);
        }
        catch (OperationCanceledException)
        {
            job.Status = job.Status with { State = ReportState.Cancelled, Message = "Cancelled.", Elapsed = Elapsed(job) };
        }
        catch (Exception e)
        {
            log.LogError(e, "Report of run {Run} failed", run.Id);
            // An I/O message names server paths; the user needs only the reason.
            var why = e is IOException or UnauthorizedAccessException ? "the cache folder cannot be written." : JobQueue.Describe(e);
            job.Status = job.Status with { State = ReportState.Failed, Message = "The report could not be written: " + why, Elapsed = Elapsed(job) };
        }
        finally
        {
            try { if (System.IO.File.Exists(tmp)) System.IO.File.Delete(tmp); } catch (IOException) { }
        }
    }

    private static TimeSpan Elapsed(Job job) => TimeSpan.FromMilliseconds(Environment.TickCount64 - job.Started);

    /// <summary>Synchronous: Progress&lt;T&gt; would post to the thread pool and could land after the final state.</summary>
    private sealed class Progress(Job job) : IProgress<DissectionProgress>
    {
        public void Report(DissectionProgress value)
        {
            if (job.Status.State == ReportState.Running)
                job.Status = job.Status with { Done = value.Done, Total = value.Total, Elapsed = Elapsed(job) };
        }
    }
}
