// `dissect export`: writes a stored run (or one layer) as JSON or CSV to a file or to stdout.
using Dissection.Core.Storage;

namespace Dissection.Cli.Commands;

public sealed class ExportCommand : ICommand
{
    public string Name => "export";
    public string Summary => "export a stored run's units, labels and top images as JSON or CSV";
    public string Usage => $"""
          --db PATH             results database (default {ResultsStore.DefaultPath})
          --run ID              run to export (required)
          --format json|csv     output format (default json)
          --layer L             export only this layer
          --out FILE            write here instead of stdout
        """;

    public int Run(Args args, CancellationToken cancel)
    {
        var db = args.String("db", ResultsStore.DefaultPath);
        var runId = args.Long("run") ?? throw new ArgsException("--run is required");
        var format = args.String("format", "json").ToLowerInvariant() switch
        {
            "json" => ExportFormat.Json,
            "csv" => ExportFormat.Csv,
            var other => throw new ArgsException($"--format must be json or csv, got '{other}'"),
        };
        var layer = args.String("layer");
        var outPath = args.String("out");
        args.EnsureAllUsed();

        // Opening would create an empty database; a typo in --db deserves an error instead.
        if (!File.Exists(db)) throw new FileNotFoundException($"no results database at {Path.GetFullPath(db)}");
        using var store = ResultsStore.Open(db);
        if (store.Runs.GetRun(runId) is null)
        {
            var runs = store.Runs.ListRuns();
            throw new ArgumentException($"run {runId} does not exist in {store.FilePath} " +
                $"({(runs.Count == 0 ? "it has no runs" : "runs: " + string.Join(", ", runs.Select(r => r.Id).Order()))})");
        }

        if (outPath is null)
        {
            RunExport.Write(store, runId, format, Console.Out, layer);
            return 0;
        }

        // Write beside the target and move into place, so a failed export never leaves half a file.
        var full = Path.GetFullPath(outPath);
        if (Path.GetDirectoryName(full) is { Length: > 0 } folder) Directory.CreateDirectory(folder);
        var temp = full + ".tmp";
        try
        {
            using (var writer = new StreamWriter(temp, append: false, new System.Text.UTF8Encoding(false)))
                RunExport.Write(store, runId, format, writer, layer);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        Console.Error.WriteLine($"exported run {runId} to {full}");
        return 0;
    }
}
