// `dissect gan-context`: context dependence of insertion on a stored generator run — switch a concept's top units on
// (at their 99th-percentile level) at each cell of the layer in turn and measure the concept's added area, grouped by
// the segment label at the cell. Stored with the run. The GanCausal job kind with only its context experiment, run
// through the job executor in this process.
using Dissection.Core.Gan;

namespace Dissection.Cli.Commands;

public sealed class GanContextCommand : ICommand
{
    public string Name => "gan-context";
    public string Summary => "insert a concept's units at every cell, one at a time, and chart the added area per context";
    public string Usage => GanExperimentOptions.CommonUsage + """
          --units N             how many of the concept's top units to switch on (default 20, as the paper)
        (default --samples 100; every sample runs one edit per cell of the layer)
        """;

    public int Run(Args args, CancellationToken cancel)
    {
        var o = GanExperimentOptions.ReadOptions(args, 100);
        var units = args.Int("units", 20);
        args.EnsureAllUsed();

        var result = GanExperimentOptions.Run<ContextInsertion>(o, p => p with { ContextSamples = o.Samples, ContextUnits = units, RemovalSamples = 0 }, cancel);
        Console.WriteLine($"{result.ConceptName} on {result.Layer}: baseline {result.BaselineFraction:P2} of pixels ({result.Samples} samples)");
        Console.WriteLine("context\tcells\tmean added area\t99% interval");
        foreach (var r in result.Contexts)
            Console.WriteLine($"{r.ContextName}\t{r.Cells}\t{r.MeanAdded:P3}\t[{r.Low:P3}, {r.High:P3}]");
        return 0;
    }
}
