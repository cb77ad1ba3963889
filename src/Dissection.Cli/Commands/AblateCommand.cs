// `dissect ablate`: single-unit ablation of one layer of a stored run's model, class importance and group curves,
// saved next to the run's dissection results; the Ablate job kind, run through the job executor in this process.
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Dissection.Core.Ablation;
using Dissection.Core.Jobs;
using Dissection.Core.Jobs.Kinds;
using Dissection.Core.Storage;
using TorchSharp;
using Dissection.Core.Work;

namespace Dissection.Cli.Commands;

public sealed class AblateCommand : Verb
{
    private readonly Option<string> _db = CliOptions.Db();
    private readonly Option<long?> _run = CliOptions.Run("run whose model is ablated; results are stored with it");
    private readonly Option<string> _layer = CliOptions.Text("--layer", "layer to ablate; it need not have been dissected", "L", required: true);
    private readonly Option<string> _dataset = CliOptions.Text("--dataset",
        "labelled images: Broden/world folder (scene column) or one subfolder per class (default: the run's dataset)", "DIR");
    private readonly Option<string> _split = CliOptions.Text("--split", "only images of this split, e.g. val (default: every image)", "S");
    private readonly Option<string> _rankSplit = CliOptions.Text("--rank-split",
        "rank units by their single-ablation drops on this split instead (the paper: train); every number is still measured on --split", "S");
    private readonly Option<int?> _rankLimit = CliOptions.OptionalInt("--rank-limit", "use at most N images of the ranking split");
    private readonly Option<int> _randomDraws = CliOptions.Int("--random-draws", "random unit sets per group size (1, 4, 20) as the curves' chance baseline", 20);
    private readonly Option<string> _units = CliOptions.TextOr("--units", "units to ablate one at a time: all or 1,5,9 (group curves need all)", "all", "all|1,5,9");
    private readonly Option<int> _batch = CliOptions.Int("--batch", "images per batch", 32);
    private readonly Option<int?> _limit = CliOptions.OptionalInt("--limit", "use at most N images");
    private readonly Option<int> _important = CliOptions.Int("--important", "important units kept per class (the paper's cut-off)", 4);
    private readonly Option<bool> _labelFree = CliOptions.Flag("--label-free", "ignore labels: measure agreement with the unablated model");
    private readonly Option<bool> _noCurves = CliOptions.Flag("--no-curves", "skip the group-ablation curves");
    private readonly Option<string> _device = CliOptions.Device();
    private readonly Option<string> _cache = CliOptions.Cache();

    public AblateCommand() : base("ablate", "ablate each unit of a layer alone: per-class accuracy, important units, group curves")
    {
        Add(_db, _run, _layer, _dataset, _split, _rankSplit, _rankLimit, _randomDraws, _units, _batch, _limit, _important, _labelFree,
            _noCurves, _device, _cache);
        _units.Validators.Add(r =>
        {
            try { ParseUnits(r.GetValueOrDefault<string>() ?? "all"); }
            catch (UsageException e) { r.AddError(e.Message); }
        });
    }

    protected override int Run(ParseResult parse, CancellationToken cancel)
    {
        var db = parse.GetValue(_db)!;
        var runId = parse.GetValue(_run)!.Value;
        var layer = parse.GetValue(_layer)!;
        var settings = new AblationSettings
        {
            Split = parse.GetValue(_split),
            Units = ParseUnits(parse.GetValue(_units)!),
            BatchSize = parse.GetValue(_batch),
            Limit = parse.GetValue(_limit),
            ImportantCount = parse.GetValue(_important),
            LabelFree = parse.GetValue(_labelFree),
            GroupCurves = !parse.GetValue(_noCurves),
            RankSplit = parse.GetValue(_rankSplit),
            RankLimit = parse.GetValue(_rankLimit),
            RandomDraws = parse.GetValue(_randomDraws),
        };
        var cache = parse.GetValue(_cache)!;
        if (!File.Exists(db)) throw new FileNotFoundException($"no results database at {Path.GetFullPath(db)}");

        var parameters = new AblateParameters(runId, layer, settings, parse.GetValue(_dataset), parse.GetValue(_device)!);
        torch.set_num_threads(Math.Max(1, Environment.ProcessorCount));
        using var store = ResultsStore.Open(db);
        if (store.Runs.GetRun(runId) is null)
            throw new ArgumentException($"run {runId} does not exist in {store.FilePath} (runs: {string.Join(", ", store.Runs.ListRuns().Select(r => r.Id).Order())})");

        var clock = Stopwatch.StartNew();
        var job = CliJobs.Run(db, cache, new JobRequest(JobKind.Ablate, AblateJob.Title(parameters), parameters, CliJobs.RequestedBy, ResumeOnStart: false), cancel);
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
                throw new UsageException($"--units must be 'all' or unit numbers like 1,5,9; '{part}' is not a unit number");
            units.Add(u);
        }
        if (units.Count == 0) throw new UsageException("--units lists no units");
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
