// `dissect run`: dissects layers of a model on a concept dataset and stores the result as a new run in the results
// database. Progress goes to stderr and to the store; the last line on stdout is the new run id.
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Models;
using Dissection.Core.Storage;
using TorchSharp;

namespace Dissection.Cli.Commands;

public sealed class RunCommand : ICommand
{
    public string Name => "run";
    public string Summary => "dissect layers of a model on a concept dataset into the results database";
    public string Usage => """
        --model SPEC            architecture or ARCH:CHECKPOINT (required)
        --dataset DIR           Broden-format concept dataset, or z:SEED:COUNT for a generator (required)
        --layers a,b            layers to dissect (required; see 'dissect layers')
        --method pnas|cvpr17    rule set: PNAS 2020, or NetDissect-Lite's CVPR17 rules (default pnas)
        --quantile Q            top fraction of activations kept (default 0.01; 0.005 with --method cvpr17)
        --iou T                 detector IoU threshold (default 0.04)
        --topk K                top images kept per unit (default 12)
        --batch B               images per batch (default 32)
        --limit N               use only the first N images of the split
        --split NAME            only images of this split (train, val)
        --on-bad-image skip|fail  skip unreadable images (default) or stop
        --device auto|cpu|cuda  where the model runs (default auto)
        --input-size S          override the model's input size
        --mean r,g,b --std r,g,b  override the model's normalisation
        --db PATH               results database (default data/results.db)
        --name NAME             run name (default: model, dataset and layers)
        """ + GanRun.Usage;

    public int Run(Args args, CancellationToken cancel)
    {
        var (spec, options, datasetDir, layers, settings) = ReadCommon(args);
        if (Dissection.Core.Generation.ZSpec.IsZSpec(datasetDir)) return GanRun.Run(args, spec, datasetDir, layers, settings, cancel);
        var db = args.String("db", "data/results.db");
        var name = args.String("name");
        args.EnsureAllUsed();

        torch.set_num_threads(Math.Max(1, Environment.ProcessorCount));
        var dataset = ConceptDataset.Open(datasetDir);
        using var model = ModelRegistry.Load(spec, options);
        if (Path.GetDirectoryName(Path.GetFullPath(db)) is { } folder) Directory.CreateDirectory(folder);
        using var store = ResultsStore.Open(db);
        name ??= $"{spec.Arch} on {Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(datasetDir)))}: {string.Join(",", layers)}";
        var runId = store.CreateRun(name, spec.ToString(), datasetDir, layers, settings);
        store.SetStatus(runId, RunStatus.Running);
        Console.Error.WriteLine($"run {runId}: {name}");

        var console = new ConsoleProgress();
        return Tracked(store, runId, console, progress =>
        {
            var results = DissectionRun.Execute(model, dataset, layers, settings, progress, cancel);
            store.UpdateProgress(runId, "saving", 1, 0);
            foreach (var layer in results) store.SaveLayer(runId, layer);
            var skipped = results[0].SkippedImages;
            foreach (var path in skipped) Console.Error.WriteLine($"skipped unreadable image: {path}");
            store.SetStatus(runId, RunStatus.Done, skipped.Count > 0 ? $"{skipped.Count} unreadable image(s) skipped" : null, results[0].Images);
            foreach (var layer in results)
            {
                var detectors = layer.Units.Count(u => u.IsDetector(settings.IouThreshold));
                Console.Error.WriteLine($"{layer.Layer}: {layer.Units.Count} units, {detectors} detectors (IoU > {settings.IouThreshold}), " +
                                        $"{layer.Images} images, {layer.Elapsed.TotalSeconds:F1} s");
            }
        });
    }

    /// <summary>
    /// Does a run's work with the bookkeeping every dissecting verb shares: progress to the console and, at most once a
    /// second, to the store (so the dashboard can follow a CLI run); the run marked cancelled or failed when the work
    /// throws; the run id printed last on stdout, which is what scripts read.
    /// </summary>
    internal static int Tracked(ResultsStore store, long runId, ConsoleProgress console, Action<IProgress<DissectionProgress>> work)
    {
        var lastStore = DateTime.MinValue;
        var progress = new Relay(p =>
        {
            console.Report(p);
            var now = DateTime.UtcNow;
            if ((now - lastStore).TotalSeconds < 1 && p.Done < p.Total) return;
            lastStore = now;
            store.UpdateProgress(runId, p.Phase, p.Fraction, p.ImagesPerSecond);
        });
        try
        {
            work(progress);
        }
        catch (OperationCanceledException)
        {
            store.SetStatus(runId, RunStatus.Cancelled, "cancelled");
            throw;
        }
        catch (Exception e)
        {
            store.SetStatus(runId, RunStatus.Failed, e.Message);
            throw;
        }
        Console.WriteLine(runId);
        return 0;
    }

    /// <summary>Options shared by `run` and `bench`.</summary>
    internal static (ModelSpec Spec, ModelOptions Options, string Dataset, IReadOnlyList<string> Layers, DissectionSettings Settings) ReadCommon(Args args)
    {
        var spec = ModelSpec.Parse(args.Required("model"));
        var dataset = args.Required("dataset");
        var layers = args.List("layers");
        if (layers.Count == 0) throw new ArgsException("--layers needs at least one layer name");
        var method = args.String("method", "pnas").ToLowerInvariant() switch
        {
            "pnas" => DissectionMethod.Pnas,
            "cvpr17" => DissectionMethod.Cvpr17,
            var m => throw new ArgsException($"--method must be pnas or cvpr17, got '{m}'"),
        };
        var onBad = args.String("on-bad-image", "skip").ToLowerInvariant() switch
        {
            "skip" => BadImagePolicy.Skip,
            "fail" => BadImagePolicy.Fail,
            var p => throw new ArgsException($"--on-bad-image must be skip or fail, got '{p}'"),
        };
        var defaults = new DissectionSettings();
        var settings = new DissectionSettings
        {
            Method = method,
            Quantile = args.Double("quantile") ?? (method == DissectionMethod.Cvpr17 ? 0.005 : defaults.Quantile),
            IouThreshold = args.Double("iou", defaults.IouThreshold),
            TopK = args.Int("topk", defaults.TopK),
            BatchSize = args.Int("batch", defaults.BatchSize),
            Limit = args.Int("limit"),
            Split = args.String("split"),
            OnBadImage = onBad,
        };
        if (!(settings.Quantile > 0 && settings.Quantile < 1)) throw new ArgsException($"--quantile must be between 0 and 1, got {settings.Quantile}");
        if (settings.BatchSize < 1) throw new ArgsException($"--batch must be at least 1, got {settings.BatchSize}");
        if (settings.TopK < 0) throw new ArgsException($"--topk must not be negative, got {settings.TopK}");
        if (settings.Limit is < 1) throw new ArgsException($"--limit must be at least 1, got {settings.Limit}");
        var options = new ModelOptions(args.String("device", "auto"), args.Int("input-size"), args.Floats("mean"), args.Floats("std"));
        return (spec, options, dataset, layers, settings);
    }

    private sealed class Relay(Action<DissectionProgress> report) : IProgress<DissectionProgress>
    {
        public void Report(DissectionProgress value) => report(value);
    }
}
