// `dissect attack`: the paper's adversarial experiment (network-dissection.md §4). Attacks validation images toward a
// target class and reports how much the attack moved the peak activations of the target's and the source's important
// units (from `dissect ablate`) against all other units of the layer, with 99 % intervals; saves the result. The
// Attack job kind, run through the job executor in this process (progress, Ctrl+C, the dashboard follows it).
using System.CommandLine;
using System.Globalization;
using Dissection.Core.Attacks;
using Dissection.Core.Jobs;
using Dissection.Core.Jobs.Kinds;
using Dissection.Core.Storage;
using TorchSharp;

namespace Dissection.Cli.Commands;

public sealed class AttackCommand : Verb
{
    private readonly Option<string> _db = CliOptions.Db();
    private readonly Option<long?> _run = CliOptions.Run("run whose model and ablation results to use");
    private readonly Option<string> _layer = CliOptions.Text("--layer", "layer to watch; needs ablation results (dissect ablate)", "L", required: true);
    private readonly Option<string> _dataset = CliOptions.Text("--dataset", "Broden-format dataset or image folder to draw images from", "DIR", required: true);
    private readonly Option<string> _target = CliOptions.Text("--target", "target class, by name or output index", "CLASS", required: true);
    private readonly Option<int> _count = CliOptions.Int("--count", "images to attack", 200);
    private readonly Option<string> _norm = CliOptions.Choice("--norm", "perturbation norm", "linf", "linf", "l2");
    private readonly Option<string> _eps = CliOptions.Text("--eps", "budget in [0,1] pixel units, a number or a fraction (default 4/255 for linf, 0.5 for l2)", "E");
    private readonly Option<int> _steps = CliOptions.Int("--steps", "most gradient steps per image", 20);
    private readonly Option<string> _stepSize = CliOptions.Text("--step-size", "step length (default 2.5·eps/steps)", "A");
    private readonly Option<bool> _randomStart = CliOptions.Flag("--random-start", "start from a random point of the ε-ball (seeded)");
    private readonly Option<bool> _noEarlyStop = CliOptions.Flag("--no-early-stop", "keep stepping after the target is reached");
    private readonly Option<long> _seed = CliOptions.Long("--seed", "seed for the image order and the random start", 0);
    private readonly Option<string> _split = CliOptions.TextOr("--split", "dataset split to draw from (every image when it has none)", "val", "NAME");
    private readonly Option<int> _batch = CliOptions.Int("--batch", "images attacked together", 8);
    private readonly Option<string> _model = CliOptions.Text("--model", "override the run's model (ARCH or ARCH:CHECKPOINT)", "SPEC");
    private readonly Option<string> _device = CliOptions.Device();
    private readonly Option<bool> _noSave = CliOptions.Flag("--no-save", "print the result without storing it");
    private readonly Option<string> _cache = CliOptions.Cache();

    public AttackCommand() : base("attack", "attack images toward a class and measure which units the attack moves") =>
        Add(_db, _run, _layer, _dataset, _target, _count, _norm, _eps, _steps, _stepSize, _randomStart, _noEarlyStop, _seed, _split, _batch,
            _model, _device, _noSave, _cache);

    protected override int Run(ParseResult parse, CancellationToken cancel)
    {
        var db = parse.GetValue(_db)!;
        var runId = parse.GetValue(_run)!.Value;
        var parameters = new AttackParameters(runId, parse.GetValue(_layer)!, parse.GetValue(_target)!, parse.GetValue(_dataset),
            Count: parse.GetValue(_count), Norm: parse.GetValue(_norm)!.ToLowerInvariant(), Epsilon: parse.GetValue(_eps), Steps: parse.GetValue(_steps),
            RandomStart: parse.GetValue(_randomStart), Seed: parse.GetValue(_seed), Split: parse.GetValue(_split)!,
            Batch: parse.GetValue(_batch), Device: parse.GetValue(_device)!, StepSize: parse.GetValue(_stepSize),
            EarlyStop: !parse.GetValue(_noEarlyStop), Model: parse.GetValue(_model), Save: !parse.GetValue(_noSave));
        if (!File.Exists(db)) throw new FileNotFoundException($"no results database at {Path.GetFullPath(db)}");
        using (var store = ResultsStore.Open(db))
            if (store.Runs.GetRun(runId) is null) throw new ArgumentException($"run {runId} does not exist in {store.FilePath}");

        torch.set_num_threads(Math.Max(1, Environment.ProcessorCount));
        AttackExperimentResult? result = null;
        var job = CliJobs.Run(db, parse.GetValue(_cache)!, new JobRequest(JobKind.Attack, AttackJob.Title(parameters), parameters, CliJobs.RequestedBy, ResumeOnStart: false),
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
