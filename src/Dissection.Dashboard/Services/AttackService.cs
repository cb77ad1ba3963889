// Adversarial attacks for the /attack page: one image attacked live (Core's ImageAttack: clean, adversarial and
// amplified perturbation images, probabilities, peak shifts, masks of the most-moved units, here turned into data URLs)
// and the batch experiments the Attack job saved. Keeps one warm model per run so repeated attacks do not reload weights;
// one attack at a time per model.
using Dissection.Core.Attacks;
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Models;
using Dissection.Core.Storage;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using Dissection.Core.Work;
using static TorchSharp.torch;

namespace Dissection.Dashboard.Services;

/// <summary>Where the attacked image comes from: a dataset image (permalinkable) or uploaded bytes.</summary>
public sealed record AttackImageSource(int? DatasetIndex, byte[]? Upload, string Label);

/// <summary>One unit's activation on the clean and the adversarial image, as mask overlays.</summary>
public sealed record UnitMaskPair(int Unit, float Clean, float Adversarial, string Group, string CleanPng, string AdversarialPng);

/// <param name="CleanPng">data: URLs, so the page needs no image endpoint for throw-away pictures.</param>
public sealed record AttackView(string CleanPng, string AdversarialPng, string PerturbationPng, double Amplification,
    AttackOutcome Outcome, IReadOnlyList<string> Classes, PeakShift Shift, int[] TargetUnits, int[] SourceUnits,
    IReadOnlyList<UnitMaskPair> Masks, string ImageLabel);

public sealed record AttackSetup(RunInfo Run, IReadOnlyList<string> Classes, IReadOnlyList<string> AblatedLayers,
    IReadOnlyList<DatasetImage> Images, string? Problem);

public sealed class AttackService(StoreAccess store, RepoPaths paths, ILogger<AttackService> log) : IDisposable
{
    public const int MaxPickerImages = 500;
    private readonly WarmModel _model = new(store, paths, log, "Attack");

    /// <summary>Classes, ablated layers and pickable images of a run; Problem says why attacks are impossible.</summary>
    public async Task<AttackSetup?> SetupAsync(long runId, CancellationToken cancel)
    {
        var run = await store.ReadAsync(s => s.Runs.GetRun(runId));
        if (run is null) return null;
        var layers = await store.ReadAsync(s => s.Ablations.ListAblations(runId).Select(a => a.Layer).ToList());
        try
        {
            return await WithModel(run, (model, dataset) =>
            {
                var images = dataset.Images.Where(i => i.Split == "val").Take(MaxPickerImages).ToList();
                if (images.Count == 0) images = dataset.Images.Take(MaxPickerImages).ToList();
                var classes = model.ClassNames?.ToList() ?? Enumerable.Range(0, model.NumClasses ?? 0).Select(i => $"class {i}").ToList();
                var problem = model.NumClasses is null ? $"model {run.Model} is not a classifier" : null;
                return new AttackSetup(run, classes, layers, images, problem);
            }, cancel);
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidDataException or DatasetFormatException)
        {
            return new AttackSetup(run, [], layers, [], e.Message);
        }
    }

    /// <summary>Attacks one image toward <paramref name="target"/> and measures the layer's units before and after.</summary>
    public async Task<AttackView> AttackImageAsync(RunInfo run, string layer, AttackImageSource source, int target,
        AttackSettings settings, IProgress<int>? steps, CancellationToken cancel)
    {
        var important = await store.ReadAsync(s => s.Attacks.GetImportantUnits(run.Id, layer));
        var thresholds = await store.ReadAsync(s => s.Layers.GetUnitSummaries(run.Id, layer).ToDictionary(u => u.Unit, u => u.Threshold));
        return await WithModel(run, (model, dataset) =>
        {
            using var image = ImageAttack.LoadImage(model, dataset, source.DatasetIndex, source.Upload, source.Label);
            var result = ImageAttack.Run(model, image, layer, target, settings, thresholds, important, steps, cancel);
            return new AttackView(PngDataUrl.Of(result.CleanPng), PngDataUrl.Of(result.AdversarialPng), PngDataUrl.Of(result.PerturbationPng),
                result.Amplification, result.Outcome,
                model.ClassNames?.ToList() ?? Enumerable.Range(0, model.NumClasses ?? 0).Select(i => $"class {i}").ToList(),
                result.Shift, result.TargetUnits, result.SourceUnits,
                result.Masks.Select(m => new UnitMaskPair(m.Unit, m.Clean, m.Adversarial, m.Group, PngDataUrl.Of(m.CleanPng), PngDataUrl.Of(m.AdversarialPng))).ToList(),
                source.Label);
        }, cancel);
    }

    public Task<IReadOnlyList<StoredAttackExperiment>> ListExperimentsAsync(long run, string layer) =>
        store.ReadAsync(s => s.Attacks.GetAttackExperiments(run, layer));

    private Task<T> WithModel<T>(RunInfo run, Func<LoadedModel, ConceptDataset, T> work, CancellationToken cancel) =>
        _model.With(run, work, cancel);

    public void Dispose() => _model.Dispose();
}
