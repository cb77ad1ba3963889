// `dissect gan-removal`: the paper's tree-removal curve on a stored generator run — zero a concept's top k units
// (k = 0…K, by IoU) and measure with the segmenter the share of the concept's pixels that remain. Stored with the run.
// The GanCausal job kind with only its removal curve, run through the job executor in this process.
using System.CommandLine;
using Dissection.Core.Gan;

namespace Dissection.Cli.Commands;

public sealed class GanRemovalCommand : Verb
{
    private readonly GanExperimentOptions _common = new(defaultSamples: 500);
    private readonly Option<int> _maxUnits = CliOptions.Int("--max-units", "largest k", 30, helpName: "K");
    private readonly Option<int> _batch = CliOptions.Int("--batch", "latents per batch", 8, helpName: "B");

    public GanRemovalCommand() : base("gan-removal", "ablate a concept's top 0..K generator units and measure how much of the concept remains")
    {
        Add(_common.All);
        Add(_maxUnits, _batch);
    }

    protected override int Run(ParseResult parse, CancellationToken cancel)
    {
        var maxUnits = parse.GetValue(_maxUnits);
        var parameters = _common.Parameters(parse) with
        {
            RemovalSamples = _common.Samples(parse), MaxUnits = maxUnits, Batch = parse.GetValue(_batch), ContextSamples = 0,
        };
        var curve = _common.Run<RemovalCurve>(parse, parameters, cancel);
        if (curve.Points.Count - 1 < maxUnits)
            Console.Error.WriteLine($"only {curve.Points.Count - 1} units of {curve.Layer} overlap '{curve.ConceptName}'; the curve stops at k = {curve.Points.Count - 1}");
        Console.WriteLine($"{curve.ConceptName} on {curve.Layer}: baseline {curve.BaselineFraction:P2} of pixels ({curve.Samples} samples)");
        Console.WriteLine("k\tremaining\t99% interval\tmean share");
        foreach (var p in curve.Points)
            Console.WriteLine($"{p.Units}\t{p.Remaining:F3}\t[{p.Low:F3}, {p.High:F3}]\t{p.MeanFraction:P2}");
        return 0;
    }
}
