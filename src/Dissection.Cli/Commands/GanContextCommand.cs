// `dissect gan-context`: context dependence of insertion on a stored generator run — switch a concept's top units on
// (at their 99th-percentile level) at each cell of the layer in turn and measure the concept's added area, grouped by
// the segment label at the cell. Stored with the run.
using Dissection.Core.Gan;
using TorchSharp;

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
        if (units < 1) throw new ArgsException($"--units must be at least 1, got {units}");

        torch.set_num_threads(Math.Max(1, Environment.ProcessorCount));
        using var inputs = GanExperimentOptions.Open(o, units);
        var seed = inputs.MeasuredSeed(o.Seed);
        Console.Error.WriteLine($"inserting '{inputs.Concept.Name}' with {inputs.Units.Count} units of {inputs.Layer} on {o.Samples} samples of seed {seed}");
        using var z = ZDataset.FromSeed(inputs.Generator.ZDim, seed, o.Samples);
        var result = ContextInsertionExperiment.Run(inputs.Generator, inputs.Segmenter, inputs.Layer, inputs.Concept,
            inputs.Units.Select(u => u.Unit).ToList(), inputs.Units.Select(u => u.Level).ToList(), z, new ConsoleProgress(), cancel);
        var id = inputs.Store.Gan.SaveContextInsertion(o.RunId, result);
        Console.WriteLine($"{result.ConceptName} on {result.Layer}: baseline {result.BaselineFraction:P2} of pixels ({result.Samples} samples)");
        Console.WriteLine("context\tcells\tmean added area\t99% interval");
        foreach (var r in result.Contexts)
            Console.WriteLine($"{r.ContextName}\t{r.Cells}\t{r.MeanAdded:P3}\t[{r.Low:P3}, {r.High:P3}]");
        Console.Error.WriteLine($"stored as context experiment {id} of run {o.RunId}");
        return 0;
    }
}
