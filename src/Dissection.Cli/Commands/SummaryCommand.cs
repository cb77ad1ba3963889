// `dissect summary`: per-layer detector counts of a stored run (units, detectors, detectors per category, distinct
// concepts, the most common concepts) as a text table, e.g. to compare a real network with the toy one.
using System.CommandLine;
using System.Globalization;
using Dissection.Core.Storage;

namespace Dissection.Cli.Commands;

public sealed class SummaryCommand : Verb
{
    private readonly Option<string> _db = CliOptions.Db();
    private readonly Option<long?> _run = CliOptions.Run("run to summarise");
    private readonly Option<int> _top = CliOptions.Int("--top", "most common concepts listed per layer", 5, min: 0);

    public SummaryCommand() : base("summary", "print a run's detector counts per category for each layer") => Add(_db, _run, _top);

    protected override int Run(ParseResult parse, CancellationToken cancel)
    {
        var db = parse.GetValue(_db)!;
        var runId = parse.GetValue(_run)!.Value;
        var top = parse.GetValue(_top);

        // Opening would create an empty database; a typo in --db deserves an error instead.
        if (!File.Exists(db)) throw new FileNotFoundException($"no results database at {Path.GetFullPath(db)}");
        using var store = ResultsStore.Open(db);
        var run = store.Runs.GetRun(runId);
        if (run is null)
        {
            var runs = store.Runs.ListRuns();
            throw new ArgumentException($"run {runId} does not exist in {store.FilePath} " +
                $"({(runs.Count == 0 ? "it has no runs" : "runs: " + string.Join(", ", runs.Select(r => r.Id).Order()))})");
        }
        var layers = DetectorSummary.ForRun(store, runId, top);
        Console.WriteLine($"run {run.Id}: {run.Name}");
        Console.WriteLine($"{run.Model} on {run.Dataset}, {run.Images} images, status {run.Status.ToString().ToLowerInvariant()}, " +
                          $"detector = IoU > {run.Settings.IouThreshold.ToString(CultureInfo.InvariantCulture)}");
        if (layers.Count == 0) { Console.WriteLine("no stored layers"); return 0; }
        Console.Write(DetectorSummary.ToTable(layers));
        return 0;
    }
}
