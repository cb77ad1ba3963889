// `dissect bench-gan`: edit→PNG latency on the playground's own path (stroke bits → layer cells → PaintSession:
// compose onto cached features → tail under the generator's gate → PNG), with one user and with N sessions painting at
// once, against a full generation at the same concurrency measured in the same run: p50/p95 and their ratios.
using System.CommandLine;
using Dissection.Core.Gan;
using TorchSharp;
using Dissection.Core.Models;

namespace Dissection.Cli.Commands;

public sealed class BenchGanCommand : Verb
{
    private readonly Option<string> _model = CliOptions.Text("--model", "proggan:PATH", "SPEC", required: true);
    private readonly Option<string> _layer = CliOptions.TextOr("--layer", "edited layer", "layer4", "L");
    private readonly Option<int> _edits = CliOptions.Int("--edits", "timed edits per user", 100, min: 1);
    private readonly Option<int> _units = CliOptions.Int("--units", "units per stroke", 10, min: 1);
    private readonly Option<string> _users = CliOptions.TextOr("--users", "concurrent paint sessions, one measurement each", "1,20", "N,M");
    private readonly Option<int> _pause = CliOptions.Int("--pause", "each user's pause between requests in ms (0: as fast as it can)", 0, min: 0, helpName: "MS");
    private readonly Option<string> _seed = CliOptions.Text("--seed", "latent seed (default 1)", "S");
    private readonly Option<int> _threads = CliOptions.Int("--threads", "torch threads (2: the target machine)", 2, min: 1, helpName: "T");

    public BenchGanCommand() : base("bench-gan", "time edit-to-image latency with cached generator features vs. full generation")
    {
        Add(_model, _layer, _edits, _units, _users, _pause, _seed, _threads);
        _users.Validators.Add(r =>
        {
            var parts = (r.GetValueOrDefault<string>() ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) r.AddError("--users: give at least one number of users, e.g. 1,20");
            foreach (var t in parts)
                if (!int.TryParse(t, out var n) || n is < 1 or > 200) r.AddError($"--users: '{t}' is not a number of users from 1 to 200");
        });
    }

    protected override int Run(ParseResult parse, CancellationToken cancel)
    {
        var spec = parse.GetValue(_model)!;
        var layer = parse.GetValue(_layer)!;
        var edits = parse.GetValue(_edits);
        var units = parse.GetValue(_units);
        var threads = parse.GetValue(_threads);
        var pause = parse.GetValue(_pause);
        var userCounts = parse.GetValue(_users)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
        var seed = parse.GetValue(_seed) is { } seedText ? ZSpec.CheckSeed(seedText) : 1;

        torch.set_num_threads(threads);
        var generator = GeneratorSpec.Load(spec);
        generator.eval();
        using var shared = new SharedGenerator(spec, generator);
        if (!shared.Layers.Contains(layer))
            throw new UsageException($"--layer: '{layer}' is not an editable layer of {spec}; its layers are {string.Join(", ", shared.Layers)}");
        Console.WriteLine($"generator {generator.Resolution}x{generator.Resolution}, {layer}, strokes of {units} units, {threads} threads, pause {pause} ms");
        foreach (var users in userCounts)
        {
            var r = EditLatencyBenchmark.RunAsync(shared, layer, users, edits, units, seed, pause, cancel: cancel).GetAwaiter().GetResult();
            Console.WriteLine($"{users} user{(users == 1 ? "" : "s")}, {r.Edit.Samples} edits ({r.UnitsPerEdit} units each), {r.Full.Samples} full generations:");
            Console.WriteLine($"  cached features + original (once per picture): {r.HeadMs:F1} ms");
            Console.WriteLine($"  edit -> PNG:       p50 {r.Edit.P50Ms:F1} ms   p95 {r.Edit.P95Ms:F1} ms");
            Console.WriteLine($"  full generation:   p50 {r.Full.P50Ms:F1} ms   p95 {r.Full.P95Ms:F1} ms");
            Console.WriteLine($"  edit / full:       p50 {r.P50Ratio:F2}x   p95 {r.P95Ratio:F2}x");
        }
        return 0;
    }
}
