// `dissect attack`: the paper's adversarial experiment (network-dissection.md §4). Attacks validation images toward a
// target class and reports how much the attack moved the peak activations of the target's and the source's important
// units (from `dissect ablate`) against all other units of the layer, with 99 % intervals; saves the result.
using System.Globalization;
using Dissection.Core.Ablation;
using Dissection.Core.Attacks;
using Dissection.Core.Datasets;
using Dissection.Core.Models;
using Dissection.Core.Storage;

namespace Dissection.Cli.Commands;

public sealed class AttackCommand : ICommand
{
    public string Name => "attack";
    public string Summary => "attack images toward a class and measure which units the attack moves";
    public string Usage => $"""
          --db PATH             results database (default {ResultsStore.DefaultPath})
          --run ID              run whose model and ablation results to use (required)
          --layer L             layer to watch; needs ablation results (dissect ablate) (required)
          --dataset DIR         Broden-format dataset or image folder to draw images from (required)
          --target CLASS        target class, by name or output index (required)
          --count N             images to attack (default 200)
          --norm linf|l2        perturbation norm (default linf)
          --eps E               budget in [0,1] pixel units, a number or a fraction (default 4/255 for linf, 0.5 for l2)
          --steps N             most gradient steps per image (default 20)
          --step-size A         step length (default 2.5·eps/steps)
          --random-start        start from a random point of the ε-ball (seeded)
          --no-early-stop       keep stepping after the target is reached
          --seed N              seed for the image order and the random start (default 0)
          --split NAME          dataset split to draw from (default val; every image when it has none)
          --batch N             images attacked together (default 8)
          --model SPEC          override the run's model (ARCH or ARCH:CHECKPOINT)
          --device D            auto | cpu | cuda (default auto)
          --no-save             print the result without storing it
        """;

    public int Run(Args args, CancellationToken cancel)
    {
        var db = args.String("db", ResultsStore.DefaultPath);
        var runId = args.Long("run") ?? throw new ArgsException("--run is required");
        var layer = args.Required("layer");
        var datasetDir = args.Required("dataset");
        var targetText = args.Required("target");
        var count = args.Int("count", 200);
        var norm = Parse("norm", () => AttackSettings.ParseNorm(args.String("norm", "linf")));
        var eps = args.String("eps") is { } e ? Parse("eps", () => AttackSettings.ParseAmount(e))
            : norm == AttackNorm.Linf ? 4 / 255.0 : 0.5;
        var steps = args.Int("steps", 20);
        double? stepSize = args.String("step-size") is { } s ? Parse("step-size", () => AttackSettings.ParseAmount(s)) : null;
        var randomStart = args.Flag("random-start");
        var earlyStop = !args.Flag("no-early-stop");
        var seed = args.Long("seed") ?? 0;
        var split = args.String("split", "val");
        var batch = args.Int("batch", 8);
        var modelText = args.String("model");
        var device = args.String("device", "auto");
        var save = !args.Flag("no-save");
        args.EnsureAllUsed();

        var attack = new AttackSettings(eps, steps, stepSize, norm, randomStart, seed, earlyStop);
        attack.Validate(long.MaxValue);  // range checks before any loading; the L2 limit needs the image size (below)
        if (count < 1) throw new ArgsException($"--count must be at least 1, got {count}");

        if (!File.Exists(db)) throw new FileNotFoundException($"no results database at {Path.GetFullPath(db)}");
        using var store = ResultsStore.Open(db);
        var run = store.Runs.GetRun(runId) ?? throw new ArgumentException($"run {runId} does not exist in {store.FilePath}");
        var important = store.Attacks.GetImportantUnits(runId, layer) ?? throw new InvalidOperationException(
            $"layer {layer} of run {runId} has no ablation results, so its classes' important units are unknown; run " +
            $"'dissect ablate --db {db} --run {runId} --layer {layer} --dataset {datasetDir}' first");

        var dataset = ConceptDataset.Open(datasetDir);
        using var model = modelText is null ? StoredRunModel.Load(run, Directory.GetCurrentDirectory(), new ModelOptions(Device: device))
            : ModelRegistry.Load(ModelSpec.Parse(modelText), new ModelOptions(Device: device));
        var classes = model.NumClasses ?? throw new ArgumentException($"model {model.Spec} is not a classifier; only classifiers can be attacked");
        var target = TargetClass.Resolve(targetText, model.ClassNames, classes);
        attack.Validate(3L * model.Preprocessing.InputSize * model.Preprocessing.InputSize);
        var imageClasses = ImageClasses(model, dataset, out var labelNote);
        if (labelNote.Length > 0) Console.Error.WriteLine($"labels: {labelNote}");

        var settings = new AttackExperimentSettings(layer, target, attack, count, split, batch);
        Console.Error.WriteLine($"attacking toward '{AttackExperiment.ClassName(model, target)}' ({target}) on {layer}: " +
                                $"{Describe(attack)}, {count} images of {dataset.Root}");
        var result = AttackExperiment.Run(model, dataset, important, settings, imageClasses, new ConsoleProgress(), cancel);
        Print(result);
        if (save)
        {
            var id = store.Attacks.SaveAttackExperiment(runId, result);
            Console.Error.WriteLine($"saved as attack experiment {id} of run {runId} (dissect export --run {runId} lists it)");
        }
        return 0;
    }

    /// <summary>Each image's model class from its scene label matched by name (as ablation does), so images OF the
    /// target are not attacked; null when the dataset has no scene labels (then only images predicted as the target
    /// are skipped).</summary>
    private static int[]? ImageClasses(LoadedModel model, ConceptDataset dataset, out string note) =>
        ClassLabelMap.Resolve(model.ClassNames, dataset, dataset.Images, out note);

    private static void Print(AttackExperimentResult r)
    {
        Console.WriteLine($"target {r.TargetName} ({r.Target}), layer {r.Layer}, {Describe(r.Attack)}");
        Console.WriteLine($"attacked {r.Attempted}, succeeded {r.Succeeded} ({F(100 * r.SuccessRate, "0.0")} %), " +
                          $"mean steps {F(r.MeanSteps, "0.0")}, mean target probability {F(r.MeanTargetProbability, "0.000")}, " +
                          $"mean L∞ {F(r.MeanLinf, "0.0000")}, mean L2 {F(r.MeanL2, "0.000")}");
        Console.WriteLine($"target's important units: {string.Join(", ", r.TargetUnits)}");
        Console.WriteLine("over successful attacks, per image:   mean |Δ peak|   99 % CI              mean Δ peak   99 % CI");
        foreach (var g in r.Groups)
            Console.WriteLine($"  {g.Group,-7} n={g.AbsDelta.Count,-5}                  {F(g.AbsDelta.Mean, "0.0000"),9}   " +
                              $"[{F(g.AbsDelta.Low, "0.0000")}, {F(g.AbsDelta.High, "0.0000")}]".PadRight(21) +
                              $"{F(g.Delta.Mean, "+0.0000;-0.0000"),9}   [{F(g.Delta.Low, "+0.0000;-0.0000")}, {F(g.Delta.High, "+0.0000;-0.0000")}]");
        if (r.Note.Length > 0) Console.WriteLine($"note: {r.Note}");
    }

    private static string Describe(AttackSettings a) =>
        $"{(a.Norm == AttackNorm.Linf ? "L∞" : "L2")} ε={F(a.Epsilon, "0.#####")}" +
        (a.Norm == AttackNorm.Linf ? $" ({F(a.Epsilon * 255, "0.##")}/255)" : "") +
        $", {a.Steps} steps of {F(a.EffectiveStepSize, "0.#####")}" + (a.RandomStart ? $", random start (seed {a.Seed})" : "") +
        (a.EarlyStop ? "" : ", no early stop");

    private static string F(double v, string format) => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "n/a";

    private static T Parse<T>(string option, Func<T> parse)
    {
        try { return parse(); }
        catch (ArgumentException ex) { throw new ArgsException($"--{option}: {ex.Message}"); }
    }
}
