// `dissect gan-context`: context dependence of insertion on a stored generator run — switch a concept's top units on
// (at their 99th-percentile level) at each cell of the layer in turn and measure the concept's added area, grouped by
// the segment label at the cell. Stored with the run. The GanCausal job kind with only its context experiment, run
// through the job executor in this process. Every sample runs one edit per cell of the layer.
using System.CommandLine;
using Dissection.Core.Gan;

namespace Dissection.Cli.Commands;

public sealed class GanContextCommand : Verb
{
    private readonly GanExperimentOptions _common = new(defaultSamples: 100);
    private readonly Option<int> _units = CliOptions.Int("--units", "how many of the concept's top units to switch on (as the paper)", 20);

    public GanContextCommand() : base("gan-context", "insert a concept's units at every cell, one at a time, and chart the added area per context")
    {
        Add(_common.All);
        Add(_units);
    }

    protected override int Run(ParseResult parse, CancellationToken cancel)
    {
        var parameters = _common.Parameters(parse) with { ContextSamples = _common.Samples(parse), ContextUnits = parse.GetValue(_units), RemovalSamples = 0 };
        var result = _common.Run<ContextInsertion>(parse, parameters, cancel);
        Console.WriteLine($"{result.ConceptName} on {result.Layer}: baseline {result.BaselineFraction:P2} of pixels ({result.Samples} samples)");
        Console.WriteLine("context\tcells\tmean added area\t99% interval");
        foreach (var r in result.Contexts)
            Console.WriteLine($"{r.ContextName}\t{r.Cells}\t{r.MeanAdded:P3}\t[{r.Low:P3}, {r.High:P3}]");
        return 0;
    }
}
