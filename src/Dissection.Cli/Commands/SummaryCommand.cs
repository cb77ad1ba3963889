// `dissect summary`: per-layer detector counts of a stored run (units, detectors, detectors per category, distinct
// concepts, the most common concepts) as a text table, e.g. to compare a real network with the toy one.
using System.Globalization;
using Dissection.Core.Storage;

namespace Dissection.Cli.Commands;

public sealed class SummaryCommand : ICommand
{
    public string Name => "summary";
    public string Summary => "print a run's detector counts per category for each layer";
    public string Usage => $"""
          --db PATH             results database (default {ResultsStore.DefaultPath})
          --run ID              run to summarise (required)
          --top N               most common concepts listed per layer (default 5)
        """;

    public int Run(Args args, CancellationToken cancel)
    {
        var db = args.String("db", ResultsStore.DefaultPath);
        var runId = args.Long("run") ?? throw new ArgsException("--run is required");
        var top = args.Int("top", 5);
        if (top < 0) throw new ArgsException($"--top must be 0 or more, got {top}");
        args.EnsureAllUsed();

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
