// Job kind Report: writes a finished run's HTML report (ExportService) into the cache folder, beside a temporary
// name and moved into place only when complete, so a download never gets half a report. A resumed job starts over
// (its strips are cached on disk, so a second pass is mostly reading).
using Dissection.Core.Jobs;
using Dissection.Core.Storage;
using Dissection.Core.Work;

namespace Dissection.Dashboard.Services;

/// <param name="RunId">The run to report on.</param>
public sealed record ReportParameters(long RunId);

public sealed class ReportJob(ExportService export, RepoPaths paths) : JobHandler<ReportParameters>
{
    public override JobKind Kind => JobKind.Report;

    /// <summary>The finished report's file. The run's creation time is in the name, so a report never outlives its run
    /// in a replaced database.</summary>
    public string File(RunInfo run) => Path.Combine(paths.CacheFolder, "reports", $"run{run.Id}-{run.CreatedUtc.Ticks}-report.html");

    protected override void Validate(ReportParameters p, string root)
    {
        if (p.RunId < 1) throw new JobParameterException("run", "Choose a run.");
    }

    protected override void Execute(JobContext context, ReportParameters p)
    {
        using var store = context.OpenStore();
        var run = store.Runs.GetRun(p.RunId) ?? throw new JobParameterException("run", $"Run {p.RunId} does not exist.");
        if (run.Status != RunStatus.Done) throw new JobParameterException("run", $"Run {p.RunId} has not finished, so it has no report yet.");
        var target = File(run);
        var tmp = $"{target}.{Guid.NewGuid():N}.tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            using (var output = new StreamWriter(tmp, false, new System.Text.UTF8Encoding(false), 1 << 16))
                export.WriteReport(run, output, context.DissectionProgress(), context.Cancel);
            System.IO.File.Move(tmp, target, overwrite: true);
            context.Note = $"{new FileInfo(target).Length} bytes";
        }
        finally
        {
            try { if (System.IO.File.Exists(tmp)) System.IO.File.Delete(tmp); } catch (IOException) { }
        }
    }
}
