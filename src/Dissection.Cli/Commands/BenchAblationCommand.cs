// `dissect bench-ablation`: seconds per ablated unit with a full forward pass per unit vs. the split model's tail
// re-runs, measured on one batch in the same process, and their ratio.
using Dissection.Core.Ablation;
using Dissection.Core.Models;
using Dissection.Core.Storage;

namespace Dissection.Cli.Commands;

public sealed class BenchAblationCommand : ICommand
{
    public string Name => "bench-ablation";
    public string Summary => "time single-unit ablation: full forward per unit vs. head once + tail re-runs";
    public string Usage => $"""
          --model SPEC          ARCH or ARCH:CHECKPOINT (or give --run to use a stored run's model)
          --db PATH             results database for --run (default {ResultsStore.DefaultPath})
          --run ID              take the model from this run
          --layer L             layer to ablate (required)
          --units N             units to time (default 32)
          --batch N             images per batch (default 32)
          --device D            auto | cpu | cuda (default auto)
        """;

    public int Run(Args args, CancellationToken cancel)
    {
        var modelText = args.String("model");
        var db = args.String("db", ResultsStore.DefaultPath);
        var runId = args.Long("run");
        var layer = args.Required("layer");
        var units = args.Int("units", 32);
        var batch = args.Int("batch", 32);
        var device = args.String("device", "auto");
        args.EnsureAllUsed();
        if (modelText is null == runId is null) throw new ArgsException("give exactly one of --model and --run");
        if (runId is { } id)
        {
            if (!File.Exists(db)) throw new FileNotFoundException($"no results database at {Path.GetFullPath(db)}");
            using var store = ResultsStore.Open(db);
            modelText = (store.Runs.GetRun(id) ?? throw new ArgumentException($"run {id} does not exist in {store.FilePath}")).Model;
        }

        using var model = ModelRegistry.Load(ModelSpec.Parse(modelText!), new ModelOptions(Device: device));
        var r = AblationBenchmark.Measure(model, layer, units, batch, cancel: cancel);
        Console.WriteLine($"{modelText} {layer} (cut after {r.CutAfter}), {r.Units} units, batch {r.Batch}, device {model.Device}, " +
                          $"{TorchSharp.torch.get_num_threads()} threads");
        Console.WriteLine($"full forward per unit : {r.FullSecondsPerUnit * 1000,9:F2} ms/unit");
        Console.WriteLine($"split tail per unit   : {r.SplitSecondsPerUnit * 1000,9:F2} ms/unit  (head once, {r.Stack} ablations per tail call)");
        Console.WriteLine($"speed-up              : {r.Speedup,9:F1}x");
        return 0;
    }
}
