// `dissect run`: dissects layers of a model on a concept dataset and stores the result as a new run in the results
// database, through the job executor (the same job kinds the dashboard queues). Progress goes to stderr and to the
// store; the last line on stdout is the new run id. `--resume RUN` continues an interrupted run.
using Dissection.Core.Dissection;
using Dissection.Core.Jobs;
using Dissection.Core.Jobs.Kinds;
using Dissection.Core.Models;
using Dissection.Core.Storage;
using TorchSharp;
using Dissection.Core.Work;

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
        --cache DIR             scratch folder for activation caches (default data/cache)
        --resume RUN            continue an interrupted or failed run, keeping its finished layers (with --db, --cache)
        """ + GanRun.Usage;

    public int Run(Args args, CancellationToken cancel)
    {
        if (args.Long("resume") is { } resume) return Resume(args, resume, cancel);
        var (spec, options, datasetDir, layers, settings) = ReadCommon(args);
        var db = args.String("db", ResultsStore.DefaultPath);
        var cache = args.String("cache", CliJobs.DefaultCache);
        var name = args.String("name");
        if (Dissection.Core.Gan.ZSpec.IsZSpec(datasetDir))
            return Execute(db, cache, JobKind.DissectGenerator, GanRun.Parameters(args, spec, datasetDir, layers, settings), name, cancel);
        args.EnsureAllUsed();
        return Execute(db, cache, JobKind.DissectClassifier, new DissectClassifierParameters(spec.ToString(), datasetDir, layers, settings, options), name, cancel);
    }

    /// <summary>Validates, records the run, and dissects it through the job executor in this process; the dashboard
    /// follows it live (and can cancel it), and a kill leaves a job that `--resume` continues.</summary>
    private static int Execute(string db, string cache, JobKind kind, object parameters, string? name, CancellationToken cancel)
    {
        torch.set_num_threads(Math.Max(1, Environment.ProcessorCount));
        using var executor = CliJobs.Executor(db, cache);
        try { executor.Validate(kind, parameters); }
        catch (JobParameterException e) { throw CliJobs.AsArgs(e); }
        RunInfo run;
        using (var store = ResultsStore.Open(db))
        {
            var runId = parameters switch
            {
                DissectClassifierParameters c => DissectClassifierJob.CreateRun(store, c, name),
                DissectGeneratorParameters g => DissectGeneratorJob.CreateRun(store, g, name),
                _ => throw new ArgumentException($"not a dissection: {kind}"),
            };
            run = store.Runs.GetRun(runId)!;
        }
        Console.Error.WriteLine($"run {run.Id}: {run.Name}");
        var job = executor.RunNow(new JobRequest(kind, run.Name, parameters, CliJobs.RequestedBy, run.Id, ResumeOnStart: false), cancel);
        return Finish(db, job);
    }

    /// <summary>`--resume RUN`: continues an interrupted or failed run in this process, keeping its stored layers.</summary>
    private static int Resume(Args args, long runId, CancellationToken cancel)
    {
        var db = args.String("db", ResultsStore.DefaultPath);
        var cache = args.String("cache", CliJobs.DefaultCache);
        args.EnsureAllUsed();
        torch.set_num_threads(Math.Max(1, Environment.ProcessorCount));
        JobRecord? job;
        using (var store = ResultsStore.Open(db))
        {
            var run = store.Runs.GetRun(runId) ?? throw new ArgsException($"--resume: there is no run {runId} in {db}");
            job = store.Jobs.JobOfRun(runId)
                  ?? throw new ArgsException($"--resume: run {runId} was made by an older version and cannot be resumed; start it again");
            Console.Error.WriteLine($"run {runId}: {run.Name} (resuming job {job.Id})");
        }
        using var executor = CliJobs.Executor(db, cache);
        return Finish(db, executor.Resume(job.Id, cancel));
    }

    /// <summary>Prints what each layer found, then the run id last on stdout (what scripts read).</summary>
    private static int Finish(string db, JobRecord job)
    {
        CliJobs.ThrowUnlessDone(job);
        var runId = job.RunId!.Value;
        using var store = ResultsStore.Open(db);
        var run = store.Runs.GetRun(runId)!;
        if (run.Message is { } note) Console.Error.WriteLine(note);
        foreach (var layer in store.Layers.GetLayers(runId, includeUnits: true))
        {
            var detectors = layer.Units.Where(u => u.IsDetector(run.Settings.IouThreshold)).ToList();
            var concepts = detectors.Select(u => u.Label!.Name).Distinct().Count();
            Console.Error.WriteLine($"{layer.Layer}: {layer.Units.Count} units, {detectors.Count} detectors (IoU > {run.Settings.IouThreshold}) " +
                                    $"of {concepts} concepts, {layer.Images} images, {layer.Elapsed.TotalSeconds:F1} s");
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
        try { settings.Validate(); }
        catch (JobParameterException e) { throw CliJobs.AsArgs(e); }
        var options = new ModelOptions(args.String("device", "auto"), args.Int("input-size"), args.Floats("mean"), args.Floats("std"));
        return (spec, options, dataset, layers, settings);
    }
}
