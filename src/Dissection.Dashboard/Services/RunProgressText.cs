// Human words for a run's or a job's state and progress: percent, speed, time left, duration.
using System.Globalization;
using Dissection.Core.Jobs;
using Dissection.Core.Storage;

namespace Dissection.Dashboard.Services;

public static class RunProgressText
{
    /// <summary>A job's phase, count and time left ("ablating · 12/256 · about 40 s left").</summary>
    public static string ForJob(JobRecord job)
    {
        if (job.Progress is not { } p) return "";
        var text = p.Phase + (p.Total > 0 ? $" · {p.Done}/{p.Total}" : "");
        return job.State == JobState.Running && p.EtaSeconds is { } eta ? $"{text} · about {Math.Ceiling(eta):0} s left" : text;
    }

    /// <summary>Time left from the progress so far, assuming a steady pace; null until there is something to go on.</summary>
    public static TimeSpan? TimeLeft(RunInfo run, DateTime nowUtc)
    {
        if (run.Status != RunStatus.Running || run.StartedUtc is not { } start || run.Progress <= 0.01 || run.Progress >= 1) return null;
        var elapsed = nowUtc - start;
        return elapsed <= TimeSpan.Zero ? null : TimeSpan.FromSeconds(elapsed.TotalSeconds * (1 - run.Progress) / run.Progress);
    }

    public static TimeSpan? Duration(RunInfo run, DateTime nowUtc) =>
        run.StartedUtc is { } s ? (run.FinishedUtc ?? (run.Status == RunStatus.Running ? nowUtc : s)) - s : null;

    public static string Format(TimeSpan? t) => t switch
    {
        null => "–",
        { TotalSeconds: < 1 } => "<1 s",
        { TotalMinutes: < 1 } v => $"{v.TotalSeconds:0} s",
        { TotalHours: < 1 } v => $"{(int)v.TotalMinutes} min {v.Seconds:00} s",
        var v => $"{(int)v.Value.TotalHours} h {v.Value.Minutes:00} min",
    };

    public static string Progress(RunInfo run, DateTime nowUtc)
    {
        var parts = new List<string> { (run.Progress * 100).ToString("0", CultureInfo.InvariantCulture) + " %" };
        if (!string.IsNullOrEmpty(run.Phase)) parts.Add(run.Phase);
        if (run.ImagesPerSecond > 0) parts.Add(run.ImagesPerSecond.ToString("0.0", CultureInfo.InvariantCulture) + " images/s");
        if (TimeLeft(run, nowUtc) is { } left) parts.Add(Format(left) + " left");
        return string.Join(" · ", parts);
    }
}
