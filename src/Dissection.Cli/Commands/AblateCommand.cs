// `dissect ablate`: single-unit ablation of one layer of a stored run's model, class importance and group curves,
// saved next to the run's dissection results; the Ablate job kind, run through the job executor in this process.
using System.Diagnostics;
using System.Globalization;
using Dissection.Core.Ablation;
using Dissection.Core.Jobs;
using Dissection.Core.Jobs.Kinds;
using Dissection.Core.Storage;
using TorchSharp;
using Dissection.Core.Work;

namespace Dissection.Cli.Commands;

public sealed class AblateCommand : ICommand
{
    public string Name => "ablate";
    public string Summary => "ablate each unit of a layer alone: per-class accuracy, important units, group curves";
    public string Usage => $"""
          --db PATH             results database (default {ResultsStore.DefaultPath})
          --run ID              run whose model is ablated (required); results are stored with it
          --layer L             layer to ablate (required); it need not have been dissected
          --dataset DIR         labelled images: Broden/world folder (scene column) or one subfolder per class
                                (default: the run's dataset)
          --split S             only images of this split, e.g. val (default: every image)
          --rank-split S        rank units by their single-ablation drops on this split instead (the paper: train);
                                every number is still measured on --split
          --rank-limit N        use at most N images of the ranking split
          --random-draws N      random unit sets per group size (1, 4, 20) as the curves' chance baseline (default 20)
          --units all|1,5,9     units to ablate one at a time (default all; group curves need all)
          --batch N             images per batch (default 32)
          --limit N             use at most N images
          --important N         important units kept per class (default 4, the paper's cut-off)
          --label-free          ignore labels: measure agreement with the unablated model
          --no-curves           skip the group-ablation curves
          --device D            auto | cpu | cuda (default auto)
          --cache DIR           scratch folder (default data/cache)
        """;

    public int Run(Args args, CancellationToken cancel)
    {
        var db = args.String("db", ResultsStore.DefaultPath);
        var runId = args.Long("run") ?? throw new ArgsException("--run is required");
        var layer = args.Required("layer");
        var datasetDir = args.String("dataset");
        var units = ParseUnits(args.String("units", "all"));
        var settings = new AblationSettings
        {
            Split = args.String("split"),
            Units = units,
            BatchSize = args.Int("batch", 32),
            Limit = args.Int("limit"),
            ImportantCount = args.Int("important", 4),
            LabelFree = args.Flag("label-free"),
            GroupCurves = !args.Flag("no-curves"),
            RankSplit = args.String("rank-split"),
            RankLimit = args.Int("rank-limit"),
            RandomDraws = args.Int("random-draws", 20),
        };
        var device = args.String("device", "auto");
        var cache = args.String("cache", CliJobs.DefaultCache);
        args.EnsureAllUsed();
        if (!File.Exists(db)) throw new FileNotFoundException($"no results database at {Path.GetFullPath(db)}");

        var parameters = new AblateParameters(runId, layer, settings, datasetDir, device);
        torch.set_num_threads(Math.Max(1, Environment.ProcessorCount));
        using var executor = CliJobs.Executor(db, cache);
        try { executor.Validate(JobKind.Ablate, parameters); }
        catch (JobParameterException e) { throw CliJobs.AsArgs(e); }
        using var store = ResultsStore.Open(db);
        if (store.Runs.GetRun(runId) is null)
            throw new ArgumentException($"run {runId} does not exist in {store.FilePath} (runs: {string.Join(", ", store.Runs.ListRuns().Select(r => r.Id).Order())})");

        var clock = Stopwatch.StartNew();
        var job = executor.RunNow(new JobRequest(JobKind.Ablate, AblateJob.Title(parameters), parameters, CliJobs.RequestedBy, ResumeOnStart: false), cancel);
        CliJobs.ThrowUnlessDone(job);
        if (job.Message is { } note) Console.Error.WriteLine(note);
        Print(store.Ablations.GetAblation(runId, layer)!);
        Console.Error.WriteLine($"saved the ablation of {layer} with run {runId} in {store.FilePath} ({clock.Elapsed.TotalSeconds:F1} s)");
        return 0;
    }

    internal static IReadOnlyList<int>? ParseUnits(string text)
    {
        if (text.Trim().Equals("all", StringComparison.OrdinalIgnoreCase)) return null;
        var units = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var u))
                throw new ArgsException($"--units must be 'all' or unit numbers like 1,5,9; '{part}' is not a unit number");
            units.Add(u);
        }
        if (units.Count == 0) throw new ArgsException("--units lists no units");
        return units;
    }

    private static void Print(AblationResult r)
    {
        var what = r.Labelled ? "balanced accuracy" : "agreement (label-free)";
        Console.WriteLine($"{r.Layer}: {r.Images} images, baseline top-1 {(r.Labelled ? "accuracy" : "agreement")} {r.Baseline.OverallAccuracy:F3}");
        Console.WriteLine($"class{"",-19} baseline {what}   important units (drop)");
        var empty = r.Importance.Count(k => !double.IsFinite(k.Baseline));
        foreach (var k in r.Importance.Where(k => double.IsFinite(k.Baseline)))
        {
            var units = string.Join("  ", k.ImportantUnits.Select(d => $"{d.Unit} ({d.Drop:+0.000;-0.000;0.000})"));
            Console.WriteLine($"{Trim(k.Name),-24} {(double.IsFinite(k.Baseline) ? k.Baseline.ToString("F3", CultureInfo.InvariantCulture) : "n/a"),8}   {units}");
        }
        if (empty > 0)
            Console.WriteLine($"({empty} classes left out: balanced accuracy needs images {(r.Labelled ? "of" : "predicted as")} the class and of other classes)");
        var finite = r.Importance.Where(k => k.ImportantUnits.Count > 0).ToList();
        if (finite.Count > 0)
            Console.WriteLine($"mean drop when removing a class's top unit alone: {finite.Average(k => k.ImportantUnits[0].Drop):F4}");
        if (r.Curves.Count > 0) Console.WriteLine($"group ablation, mean {what} drop over the classes:");
        foreach (var n in AblationRunner.RandomSizes)
            if (GroupAblationSummary.At(r, n) is { } g)
                Console.WriteLine($"  N={n,-3} remove top N {g.RemoveTop:F4}   remove N random {g.RemoveRandom:F4} " +
                                  $"(x{g.RatioToRandom:F1})   keep only top N {g.KeepTop:F4}   " +
                                  $"removing hurts more than keeping: {g.Asymmetric}/{g.Classes} classes");
    }

    private static string Trim(string s) => s.Length <= 24 ? s : s[..23] + "…";
}
