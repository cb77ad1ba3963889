// `dissect bench-gan`: edit→PNG latency on the playground's own path (stroke bits → layer cells → PaintSession:
// compose onto cached features → tail under the generator's gate → PNG), with one user and with N sessions painting at
// once, against a full generation at the same concurrency measured in the same run: p50/p95 and their ratios.
using Dissection.Core.Gan;
using TorchSharp;
using Dissection.Core.Models;

namespace Dissection.Cli.Commands;

public sealed class BenchGanCommand : ICommand
{
    public string Name => "bench-gan";
    public string Summary => "time edit-to-image latency with cached generator features vs. full generation";
    public string Usage => """
          --model SPEC          proggan:PATH (required)
          --layer L             edited layer (default layer4)
          --edits N             timed edits per user (default 100)
          --units N             units per stroke (default 10)
          --users N,M           concurrent paint sessions, one measurement each (default 1,20)
          --pause MS            each user's pause between requests (default 0: as fast as it can)
          --seed S              latent seed (default 1)
          --threads T           torch threads (default 2: the target machine)
        """;

    public int Run(Args args, CancellationToken cancel)
    {
        var spec = args.Required("model");
        var layer = args.String("layer", "layer4");
        var edits = args.Int("edits", 100);
        var units = args.Int("units", 10);
        var seedText = args.String("seed");
        var threads = args.Int("threads", 2);
        var usersText = args.String("users", "1,20");
        var pause = args.Int("pause", 0);
        args.EnsureAllUsed();
        if (edits < 1) throw new ArgsException($"--edits must be at least 1, got {edits}");
        if (units < 1) throw new ArgsException($"--units must be at least 1, got {units}");
        if (threads < 1) throw new ArgsException($"--threads must be at least 1, got {threads}");
        if (pause < 0) throw new ArgsException($"--pause must be at least 0, got {pause}");
        var userCounts = usersText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(t => int.TryParse(t, out var n) && n is >= 1 and <= 200 ? n
                : throw new ArgsException($"--users: '{t}' is not a number of users from 1 to 200")).ToList();
        if (userCounts.Count == 0) throw new ArgsException("--users: give at least one number of users, e.g. 1,20");
        var seed = seedText is null ? 1 : ZSpec.CheckSeed(seedText);

        torch.set_num_threads(threads);
        var generator = GeneratorSpec.Load(spec);
        generator.eval();
        using var shared = new SharedGenerator(spec, generator);
        if (!shared.Layers.Contains(layer))
            throw new ArgsException($"--layer: '{layer}' is not an editable layer of {spec}; its layers are {string.Join(", ", shared.Layers)}");
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
