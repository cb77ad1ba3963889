// `dissect attack`: the paper's adversarial experiment (network-dissection.md §4). Attacks validation images toward a
// target class and reports how much the attack moved the peak activations of the target's and the source's important
// units (from `dissect ablate`) against all other units of the layer, with 99 % intervals; saves the result. The
// Attack job kind, run through the job executor in this process (progress, Ctrl+C, the dashboard follows it).
using System.Globalization;
using Dissection.Core.Attacks;
using Dissection.Core.Jobs;
using Dissection.Core.Jobs.Kinds;
using Dissection.Core.Storage;
using TorchSharp;

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
          --cache DIR           scratch folder (default data/cache)
        """;

    public int Run(Args args, CancellationToken cancel)
    {
        var db = args.String("db", ResultsStore.DefaultPath);
        var runId = args.Long("run") ?? throw new ArgsException("--run is required");
        var parameters = new AttackParameters(runId, args.Required("layer"), args.Required("target"), args.Required("dataset"),
            Count: args.Int("count", 200), Norm: args.String("norm", "linf"), Epsilon: args.String("eps"), Steps: args.Int("steps", 20),
            RandomStart: args.Flag("random-start"), Seed: args.Long("seed") ?? 0, Split: args.String("split", "val"),
            Batch: args.Int("batch", 8), Device: args.String("device", "auto"), StepSize: args.String("step-size"),
            EarlyStop: !args.Flag("no-early-stop"), Model: args.String("model"), Save: !args.Flag("no-save"));
        var cache = args.String("cache", CliJobs.DefaultCache);
        args.EnsureAllUsed();
        if (!File.Exists(db)) throw new FileNotFoundException($"no results database at {Path.GetFullPath(db)}");
        using (var store = ResultsStore.Open(db))
            if (store.Runs.GetRun(runId) is null) throw new ArgumentException($"run {runId} does not exist in {store.FilePath}");

        torch.set_num_threads(Math.Max(1, Environment.ProcessorCount));
        AttackExperimentResult? result = null;
        var job = CliJobs.Run(db, cache, new JobRequest(JobKind.Attack, AttackJob.Title(parameters), parameters, CliJobs.RequestedBy, ResumeOnStart: false),
            cancel, r => result = r as AttackExperimentResult ?? result);
        Print(result ?? throw new InvalidOperationException($"job {job.Id} ended without an attack result"));
        if (job.Message is { } note) Console.Error.WriteLine(note);
        return 0;
    }

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
}
