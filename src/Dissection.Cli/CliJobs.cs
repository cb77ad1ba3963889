// The CLI's way into the job executor: one executor per verb call on the given database, with every job kind the
// CLI runs, relative paths taken from the working folder, caches under --cache, progress on stderr.
using Dissection.Core.Dissection;
using Dissection.Core.Jobs;
using Dissection.Core.Jobs.Kinds;
using Dissection.Core.Work;

namespace Dissection.Cli;

internal static class CliJobs
{
    public const string DefaultCache = "data/cache";
    public const string RequestedBy = "cli";

    public static JobExecutor Executor(string database, string cacheFolder)
    {
        var console = new ConsoleProgress();
        Directory.CreateDirectory(cacheFolder);
        ScratchFolders.RemoveOrphans(Path.GetFullPath(cacheFolder));
        return new JobExecutor(Path.GetFullPath(database), [new DissectClassifierJob(), new DissectGeneratorJob(), new AblateJob(), new GanCausalJob(), new AttackJob(), new LabelJob()], new JobExecutorOptions
        {
            Root = Directory.GetCurrentDirectory(),
            CacheFolder = Path.GetFullPath(cacheFolder),
            OnProgress = (p, rate) => console.Report(new DissectionProgress(p.Phase, p.Done, p.Total, rate)),
        });
    }

    /// <summary>A job's end as the CLI reports it: Done returns; Cancelled and Interrupted throw
    /// OperationCanceledException (exit 130); Failed throws InvalidOperationException with the engine's message.</summary>
    public static void ThrowUnlessDone(JobRecord job)
    {
        switch (job.State)
        {
            case JobState.Done: return;
            case JobState.Cancelled or JobState.Interrupted: throw new OperationCanceledException(job.Message);
            default: throw new InvalidOperationException(job.Message ?? $"job {job.Id} {job.State.ToString().ToLowerInvariant()}");
        }
    }

    /// <summary>Maps a settings or parameter check to the CLI's own option name.</summary>
    public static ArgsException AsArgs(JobParameterException e) => new($"--{e.Field}: {e.Message}");
}
