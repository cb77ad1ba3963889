// `dissect gan-removal`: the paper's tree-removal curve on a stored generator run — zero a concept's top k units
// (k = 0…K, by IoU) and measure with the segmenter the share of the concept's pixels that remain. Stored with the run.
// The GanCausal job kind with only its removal curve, run through the job executor in this process.
using Dissection.Core.Gan;

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

        var curve = GanExperimentOptions.Run<RemovalCurve>(o, p => p with { RemovalSamples = o.Samples, MaxUnits = maxUnits, Batch = batch, ContextSamples = 0 }, cancel);
        if (curve.Points.Count - 1 < maxUnits)
            Console.Error.WriteLine($"only {curve.Points.Count - 1} units of {curve.Layer} overlap '{curve.ConceptName}'; the curve stops at k = {curve.Points.Count - 1}");
        Console.WriteLine($"{curve.ConceptName} on {curve.Layer}: baseline {curve.BaselineFraction:P2} of pixels ({curve.Samples} samples)");
        Console.WriteLine("k\tremaining\t99% interval\tmean share");
        foreach (var p in curve.Points)
            Console.WriteLine($"{p.Units}\t{p.Remaining:F3}\t[{p.Low:F3}, {p.High:F3}]\t{p.MeanFraction:P2}");
        return 0;
    }
}
