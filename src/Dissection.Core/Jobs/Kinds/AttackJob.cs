// Job kind Attack: the paper's adversarial experiment as a job. Attacks validation images of a stored run's dataset
// toward a target class and measures how much the attack moved the target's and the source's important units (from
// an ablation of the same layer) against the layer's other units; publishes the result to its caller and saves it with
// the run (unless Save is off: `dissect attack --no-save`). A resumed job starts over: an attack batch stores nothing
// until it is complete.
using Dissection.Core.Ablation;
using Dissection.Core.Attacks;
using Dissection.Core.Datasets;
using Dissection.Core.Models;
using Dissection.Core.Storage;
using Dissection.Core.Work;

namespace Dissection.Core.Jobs.Kinds;

/// <param name="RunId">A classifier run with an ablation of <paramref name="Layer"/>.</param>
/// <param name="Target">The target class, by name or output index.</param>
/// <param name="Dataset">Images to attack; null = the run's dataset.</param>
/// <param name="Norm">linf or l2.</param>
/// <param name="Epsilon">The budget, a number or a fraction ("4/255"); null = 4/255 for linf, 0.5 for l2.</param>
/// <param name="StepSize">The step length, a number or a fraction; null = 2.5·ε/steps.</param>
/// <param name="EarlyStop">Stop stepping an image once the target is reached.</param>
/// <param name="Model">ARCH or ARCH:CHECKPOINT instead of the run's own model; null = the run's.</param>
/// <param name="Save">Store the experiment with the run (false: only published to the caller, `--no-save`).</param>
public sealed record AttackParameters(long RunId, string Layer, string Target, string? Dataset = null, int Count = 200,
    string Norm = "linf", string? Epsilon = null, int Steps = 20, bool RandomStart = false, long Seed = 0,
    string Split = "val", int Batch = 8, string Device = "auto", string? StepSize = null, bool EarlyStop = true,
    string? Model = null, bool Save = true);

public sealed class AttackJob : JobHandler<AttackParameters>
{
    public override JobKind Kind => JobKind.Attack;

    public static string Title(AttackParameters p) => $"Attack toward {p.Target} on {p.Layer} of run {p.RunId}";

    protected override void Validate(AttackParameters p, string root)
    {
        if (p.RunId < 1) throw new JobParameterException("run", "Choose a run.");
        if (string.IsNullOrWhiteSpace(p.Layer)) throw new JobParameterException("layer", "Choose a layer.");
        if (string.IsNullOrWhiteSpace(p.Target)) throw new JobParameterException("target", "Choose a target class.");
        if (p.Dataset is { } d && !Directory.Exists(StoredRunModel.ResolvePath(root, d)))
            throw new JobParameterException("dataset", $"The dataset folder '{d}' does not exist.");
        if (p.Count is < 1 or > AttackExperimentSettings.MaxCount)
            throw new JobParameterException("count", $"Attack between 1 and {AttackExperimentSettings.MaxCount} images (got {p.Count}).");
        if (p.Batch is < 1 or > 1024) throw new JobParameterException("batch", $"The batch must be between 1 and 1024 (got {p.Batch}).");
        if (string.IsNullOrWhiteSpace(p.Split)) throw new JobParameterException("split", "Choose a split.");
        if (p.Model is { } m)
        {
            ModelSpec spec;
            try { spec = StoredRunModel.Spec(m, root); }
            catch (ArgumentException e) { throw new JobParameterException("model", e.Message); }
            if (spec.Checkpoint is { } ck && !File.Exists(ck))
                throw new JobParameterException("model", $"The checkpoint '{ModelSpec.Parse(m).Checkpoint}' does not exist.");
        }
        Settings(p).Validate(long.MaxValue);   // ranges; the L2 limit needs the image size, checked when the model is loaded
    }

    /// <summary>The attack's budget and schedule; parse errors name their field.</summary>
    internal static AttackSettings Settings(AttackParameters p)
    {
        AttackNorm norm;
        try { norm = AttackSettings.ParseNorm(p.Norm ?? "linf"); }
        catch (ArgumentException e) { throw new JobParameterException("norm", e.Message); }
        double eps;
        try { eps = p.Epsilon is { } e ? AttackSettings.ParseAmount(e) : norm == AttackNorm.Linf ? 4 / 255.0 : 0.5; }
        catch (ArgumentException e) { throw new JobParameterException("eps", e.Message); }
        double? stepSize;
        try { stepSize = p.StepSize is { } a ? AttackSettings.ParseAmount(a) : null; }
        catch (ArgumentException e) { throw new JobParameterException("step-size", e.Message); }
        var settings = new AttackSettings(eps, p.Steps, stepSize, norm, p.RandomStart, p.Seed, p.EarlyStop);
        try { settings.Validate(long.MaxValue); }
        catch (ArgumentException e)
        {
            var field = e.Message.StartsWith("steps", StringComparison.Ordinal) ? "steps" : e.Message.StartsWith("step size", StringComparison.Ordinal) ? "step-size" : "eps";
            throw new JobParameterException(field, e.Message);
        }
        return settings;
    }

    protected override void Execute(JobContext context, AttackParameters p)
    {
        using var store = context.OpenStore();
        var run = store.Runs.GetRun(p.RunId) ?? throw new JobParameterException("run", $"Run {p.RunId} does not exist.");
        var important = store.Attacks.GetImportantUnits(p.RunId, p.Layer) ?? throw new JobParameterException("layer",
            $"Layer {p.Layer} of run {p.RunId} has no ablation results, so its classes' important units are unknown: ablate it first.");
        var attack = Settings(p);
        context.Report("loading the model", 0, 0);
        using var model = p.Model is { } m ? ModelRegistry.Load(StoredRunModel.Spec(m, context.Root), new ModelOptions(Device: p.Device))
            : StoredRunModel.Load(run, context.Root, new ModelOptions(Device: p.Device));
        var classes = model.NumClasses ?? throw new JobParameterException(p.Model is null ? "run" : "model", $"The model {model.Spec} is not a classifier; only classifiers can be attacked.");
        int target;
        try { target = TargetClass.Resolve(p.Target, model.ClassNames, classes); }
        catch (ArgumentException e) { throw new JobParameterException("target", e.Message); }
        try { attack.Validate(3L * model.Preprocessing.InputSize * model.Preprocessing.InputSize); }
        catch (ArgumentException e) { throw new JobParameterException("eps", e.Message); }
        context.Report("opening the dataset", 0, 0);
        var dataset = p.Dataset is { } d ? ConceptDataset.Open(context.Resolve(d)) : StoredRunModel.OpenDataset(run, context.Root);
        var imageClasses = ClassLabelMap.Resolve(model.ClassNames, dataset, dataset.Images, out var labelNote);
        var settings = new AttackExperimentSettings(p.Layer, target, attack, p.Count, p.Split, p.Batch);
        var result = AttackExperiment.Run(model, dataset, important, settings, imageClasses, context.DissectionProgress(), context.Cancel);
        context.Cancel.ThrowIfCancellationRequested();
        context.Publish(result);
        var what = $"{result.Succeeded} of {result.Attempted} attacks toward '{result.TargetName}' succeeded." + (labelNote.Length > 0 ? $" Labels: {labelNote}" : "");
        if (!p.Save)
        {
            context.Note = $"Not saved: {what}";
            return;
        }
        context.Report("saving", 0, 1);
        var id = store.Attacks.SaveAttackExperiment(p.RunId, result);
        context.Report("saving", 1, 1);
        context.Note = $"Attack experiment {id}: {what}";
    }
}
