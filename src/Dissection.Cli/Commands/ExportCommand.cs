// `dissect export`: writes a stored run (or one layer) as JSON or CSV to a file or to stdout.
using System.CommandLine;
using Dissection.Core.Storage;

namespace Dissection.Cli.Commands;

public sealed class ExportCommand : Verb
{
    private readonly Option<string> _db = CliOptions.Db();
    private readonly Option<long?> _run = CliOptions.Run("run to export");
    private readonly Option<string> _format = CliOptions.Choice("--format", "output format", "json", "json", "csv");
    private readonly Option<string> _layer = CliOptions.Text("--layer", "export only this layer", "L");
    private readonly Option<string> _out = CliOptions.Text("--out", "write here instead of stdout", "FILE");

    public ExportCommand() : base("export", "export a stored run's units, labels and top images as JSON or CSV") =>
        Add(_db, _run, _format, _layer, _out);

    protected override int Run(ParseResult parse, CancellationToken cancel)
    {
        var db = parse.GetValue(_db)!;
        var runId = parse.GetValue(_run)!.Value;
        var format = parse.GetValue(_format)!.ToLowerInvariant() == "csv" ? ExportFormat.Csv : ExportFormat.Json;
        var layer = parse.GetValue(_layer);
        var outPath = parse.GetValue(_out);

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
