// `dissect bench-ablation`: seconds per ablated unit with a full forward pass per unit vs. the split model's tail
// re-runs, measured on one batch in the same process, and their ratio.
using System.CommandLine;
using Dissection.Core.Ablation;
using Dissection.Core.Models;
using Dissection.Core.Storage;

namespace Dissection.Cli.Commands;

public sealed class BenchAblationCommand : Verb
{
    private readonly Option<string> _model = CliOptions.Text("--model", "ARCH or ARCH:CHECKPOINT (or give --run to use a stored run's model)", "SPEC");
    private readonly Option<string> _db = CliOptions.Db("results database for --run");
    private readonly Option<long?> _run = CliOptions.Run("take the model from this run", required: false);
    private readonly Option<string> _layer = CliOptions.Text("--layer", "layer to ablate", "L", required: true);
    private readonly Option<int> _units = CliOptions.Int("--units", "units to time", 32, min: 1);
    private readonly Option<int> _batch = CliOptions.Int("--batch", "images per batch", 32, min: 1);
    private readonly Option<string> _device = CliOptions.Device();

    public BenchAblationCommand() : base("bench-ablation", "time single-unit ablation: full forward per unit vs. head once + tail re-runs")
    {
        Add(_model, _db, _run, _layer, _units, _batch, _device);
        Validators.Add(r =>
        {
            if (r.GetResult(_model) is null == r.GetResult(_run) is null) r.AddError("give exactly one of --model and --run");
        });
    }

    protected override int Run(ParseResult parse, CancellationToken cancel)
    {
        var modelText = parse.GetValue(_model);
        var db = parse.GetValue(_db)!;
        var layer = parse.GetValue(_layer)!;
        var units = parse.GetValue(_units);
        var batch = parse.GetValue(_batch);
        var device = parse.GetValue(_device)!;
        if (parse.GetValue(_run) is { } id)
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
