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

    /// <param name="onResult">Sees each result the job publishes (the verb prints it).</param>
    /// <param name="cluster">Where dissections run when Cluster settings are present (ClusterSubmit); null: here.</param>
    public static JobExecutor Executor(string database, string cacheFolder, Action<object>? onResult = null, IJobCluster? cluster = null)
    {
        var console = new ConsoleProgress();
        Directory.CreateDirectory(cacheFolder);
        ScratchFolders.RemoveOrphans(Path.GetFullPath(cacheFolder));
        return new JobExecutor(Path.GetFullPath(database), [new DissectClassifierJob(), new DissectGeneratorJob(), new AblateJob(), new GanCausalJob(), new AttackJob(), new LabelJob()], new JobExecutorOptions
        {
            Root = Directory.GetCurrentDirectory(),
            CacheFolder = Path.GetFullPath(cacheFolder),
            OnProgress = (p, rate) => console.Report(new DissectionProgress(p.Phase, p.Done, p.Total, rate)),
            OnResult = onResult is null ? null : (_, result) => onResult(result),
            Cluster = cluster,
        });
    }

    /// <summary>Validates a job (a bad field is reported under its option's name), runs it in this process through the
    /// executor (progress on stderr, Ctrl+C cancels, the dashboard follows it) and returns it when it is done.</summary>
    /// <param name="optionOf">The verb's option for a job field whose name differs (gan-removal's --samples is the
    /// job's removal-samples).</param>
    public static JobRecord Run(string database, string cacheFolder, JobRequest request, CancellationToken cancel, Action<object>? onResult = null,
        IReadOnlyDictionary<string, string>? optionOf = null)
    {
        using var executor = Executor(database, cacheFolder, onResult);
        try { executor.Validate(request.Kind, request.Parameters); }
        catch (JobParameterException e) { throw AsUsage(e, optionOf); }
        var job = executor.RunNow(request, cancel);
        ThrowUnlessDone(job);
        return job;
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
    public static UsageException AsUsage(JobParameterException e, IReadOnlyDictionary<string, string>? optionOf = null) =>
        new($"--{optionOf?.GetValueOrDefault(e.Field) ?? e.Field}: {e.Message}");
}
