// `dissect bench-gan`: edit→image latency of the playground's path (stroke → max-pooled region → edit of cached
// features → tail → PNG) against a full generation measured in the same run, as p50/p95 and their ratios.
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
          --edits N             timed edits (default 100)
          --units N             units per stroke (default 10)
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
        args.EnsureAllUsed();
        if (edits < 1) throw new ArgsException($"--edits must be at least 1, got {edits}");
        if (units < 1) throw new ArgsException($"--units must be at least 1, got {units}");
        if (threads < 1) throw new ArgsException($"--threads must be at least 1, got {threads}");
        var seed = seedText is null ? 1 : ZSpec.CheckSeed(seedText);

        torch.set_num_threads(threads);
        using var generator = GeneratorSpec.Load(spec);
        generator.eval();
        if (!generator.Layout.BlockNames.Contains(layer))
            throw new ArgsException($"--layer: '{layer}' is not a layer of {spec}; its layers are {string.Join(", ", generator.Layout.BlockNames)}");
        var r = EditLatencyBenchmark.Run(generator, layer, edits, units, seed);
        Console.WriteLine($"generator {generator.Resolution}x{generator.Resolution}, {layer}, {r.Edits} edits of {r.UnitsPerEdit} units, {r.Threads} threads");
        Console.WriteLine($"cached features (once per sample): {r.HeadMs:F1} ms");
        Console.WriteLine($"edit -> PNG:       p50 {r.EditP50Ms:F1} ms   p95 {r.EditP95Ms:F1} ms");
        Console.WriteLine($"full generation:   p50 {r.FullP50Ms:F1} ms   p95 {r.FullP95Ms:F1} ms");
        Console.WriteLine($"edit / full:       p50 {r.P50Ratio:F2}x   p95 {r.P95Ratio:F2}x");
        return 0;
    }
}
