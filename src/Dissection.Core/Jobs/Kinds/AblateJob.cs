// Job kind Ablate: single-unit ablation of one layer of a stored run's model (class importance and the group
// curves), saved with the run in one transaction. Rerunning replaces the layer's ablation, so a resumed job simply
// starts over (the head features are cached, so most of the cost is the tail passes).
using Dissection.Core.Ablation;
using Dissection.Core.Datasets;
using Dissection.Core.Models;
using Dissection.Core.Work;
using Dissection.Core.Storage;

namespace Dissection.Core.Jobs.Kinds;

/// <param name="RunId">The run whose model is ablated; the results are stored with it.</param>
/// <param name="Dataset">Labelled images (a Broden/world folder or one subfolder per class); null = the run's dataset.</param>
/// <param name="Device">auto, cpu or cuda.</param>
public sealed record AblateParameters(long RunId, string Layer, AblationSettings Settings, string? Dataset = null, string Device = "auto");

public sealed class AblateJob : JobHandler<AblateParameters>
{
    public override JobKind Kind => JobKind.Ablate;

    public static string Title(AblateParameters p) => $"Ablate {p.Layer} of run {p.RunId}{(p.Settings.Split is { } s ? $" on {s}" : "")}";

    protected override void Validate(AblateParameters p, string root)
    {
        if (p.RunId < 1) throw new JobParameterException("run", "Choose a run.");
        if (string.IsNullOrWhiteSpace(p.Layer)) throw new JobParameterException("layer", "Choose a layer.");
        if (p.Dataset is { } d && !Directory.Exists(StoredRunModel.ResolvePath(root, d)))
            throw new JobParameterException("dataset", $"The dataset folder '{d}' does not exist.");
        (p.Settings ?? throw new JobParameterException("settings", "The settings are missing.")).Validate();
    }

    protected override void Execute(JobContext context, AblateParameters p)
    {
        using var store = context.OpenStore();
        var run = store.Runs.GetRun(p.RunId) ?? throw new JobParameterException("run", $"Run {p.RunId} does not exist.");
        context.Report("loading the model", 0, 0);
        using var model = StoredRunModel.Load(run, context.Root, new ModelOptions(Device: p.Device));
        context.Report("opening the dataset", 0, 0);
        var dataset = p.Dataset is { } d ? ConceptDataset.Open(context.Resolve(d)) : StoredRunModel.OpenDataset(run, context.Root);
        if (p.Settings.Split is { } split && !dataset.Images.Any(i => string.Equals(i.Split, split, StringComparison.OrdinalIgnoreCase)))
            throw new JobParameterException("split", $"The dataset has no images in split '{split}'.");
        using var session = AblationSession.Open(model, dataset, p.Layer, p.Settings);
        if (p.Settings.Units?.FirstOrDefault(u => u >= session.UnitCount) is { } bad && bad >= session.UnitCount)
            throw new JobParameterException("units", $"Unit {bad} is out of range; layer '{p.Layer}' has {session.UnitCount} units (0-{session.UnitCount - 1}).");
        using var ranking = AblationRunner.OpenRanking(model, dataset, p.Layer, p.Settings);
        var result = AblationRunner.Run(session, p.Settings, context.DissectionProgress(), context.Cancel, ranking);
        context.Cancel.ThrowIfCancellationRequested();
        context.Report("saving", 0, 1);
        store.Ablations.SaveAblation(p.RunId, result);
        context.Report("saving", 1, 1);
        var notes = new List<string> { $"{session.UnitCount} units, {session.Classes.Count} classes, {session.Images} images, method {session.Method}" };
        if (!session.Labelled) notes.Add("label-free: 'accuracy' is agreement with the unablated model's prediction");
        if (session.Note.Length > 0) notes.Add(session.Note);
        context.Note = string.Join("; ", notes) + ".";
    }
}
