// `dissect gan-removal`: the paper's tree-removal curve on a stored generator run — zero a concept's top k units
// (k = 0…K, by IoU) and measure with the segmenter the share of the concept's pixels that remain. Stored with the run.
using Dissection.Core.Gan;
using TorchSharp;

namespace Dissection.Cli.Commands;

public sealed class GanRemovalCommand : ICommand
{
    public string Name => "gan-removal";
    public string Summary => "ablate a concept's top 0..K generator units and measure how much of the concept remains";
    public string Usage => GanExperimentOptions.CommonUsage + """
          --max-units K         largest k (default 30)
          --batch B             latents per batch (default 8)
        (default --samples 500)
        """;

    public int Run(Args args, CancellationToken cancel)
    {
        var o = GanExperimentOptions.ReadOptions(args, 500);
        var maxUnits = args.Int("max-units", 30);
        var batch = args.Int("batch", 8);
        args.EnsureAllUsed();
        if (maxUnits < 1) throw new ArgsException($"--max-units must be at least 1, got {maxUnits}");
        if (batch < 1) throw new ArgsException($"--batch must be at least 1, got {batch}");

        torch.set_num_threads(Math.Max(1, Environment.ProcessorCount));
        using var inputs = GanExperimentOptions.Open(o, maxUnits);
        var seed = inputs.MeasuredSeed(o.Seed);
        if (inputs.Units.Count < maxUnits)
            Console.Error.WriteLine($"only {inputs.Units.Count} units of {inputs.Layer} overlap '{inputs.Concept.Name}'; the curve stops at k = {inputs.Units.Count}");
        Console.Error.WriteLine($"removing '{inputs.Concept.Name}' units of {inputs.Layer} (top: {string.Join(", ", inputs.Units.Take(8).Select(u => $"{u.Unit} ({u.Iou:F3})"))}…) on {o.Samples} samples of seed {seed}");
        using var z = ZDataset.FromSeed(inputs.Generator.ZDim, seed, o.Samples);
        var curve = ObjectRemovalExperiment.Run(inputs.Generator, inputs.Segmenter, inputs.Layer, inputs.Concept,
            inputs.Units.Select(u => u.Unit).ToList(), z, batch, new ConsoleProgress(), cancel);
        var id = inputs.Store.Gan.SaveRemovalCurve(o.RunId, curve);
        Console.WriteLine($"{curve.ConceptName} on {curve.Layer}: baseline {curve.BaselineFraction:P2} of pixels ({curve.Samples} samples)");
        Console.WriteLine("k\tremaining\t99% interval\tmean share");
        foreach (var p in curve.Points)
            Console.WriteLine($"{p.Units}\t{p.Remaining:F3}\t[{p.Low:F3}, {p.High:F3}]\t{p.MeanFraction:P2}");
        Console.Error.WriteLine($"stored as removal curve {id} of run {o.RunId}");
        return 0;
    }
}
