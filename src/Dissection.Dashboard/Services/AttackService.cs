// Adversarial attacks for the /attack page: one image attacked live (clean, adversarial and amplified perturbation
// images, probabilities, peak shifts, masks of the most-moved units) and the batch experiment saved to the store.
// Keeps one warm model per run so repeated attacks do not reload weights; one attack at a time per model.
using Dissection.Core.Attacks;
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Models;
using Dissection.Core.Probing;
using Dissection.Core.Rendering;
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
    public const int ImageSize = 256;
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
            using var scope = NewDisposeScope();
            var size = model.Preprocessing.InputSize;
            var image = Load(source, dataset, size);
            using var adversarial = TargetedAttack.Run(model, image, target, settings, steps, cancel);
            var outcome = adversarial.Outcomes[0];
            var adv = adversarial.Images[0];

            using var probe = new LayerProbe(model, [layer]);
            var (cleanActs, o1) = probe.Run(model.Preprocessing.Apply(image.unsqueeze(0)));
            var (advActs, o2) = probe.Run(model.Preprocessing.Apply(adv.unsqueeze(0)));
            o1.Dispose(); o2.Dispose();
            var clean = cleanActs[layer];
            var after = advActs[layer];
            var shift = new PeakShift(PeakActivations.Of(clean)[0], PeakActivations.Of(after)[0]);
            var targetUnits = important?.Has(target) == true ? important.ByClass[target] : [];
            var sourceUnits = important?.Has(outcome.CleanClass) == true ? important.ByClass[outcome.CleanClass] : [];

            var delta = adv - image;
            var largest = Math.Max(1e-6, delta.abs().max().item<float>());
            var amplification = 0.5 / largest;
            var cleanImage = ToImage(image);
            var advImage = ToImage(adv);
            var masks = new List<UnitMaskPair>();
            var (h, w) = ((int)clean.shape[2], (int)clean.shape[3]);
            foreach (var u in shift.MostChanged(4))
            {
                var c = clean[0, u].contiguous().data<float>().ToArray();
                var a = after[0, u].contiguous().data<float>().ToArray();
                // The dissection threshold when the layer was dissected; else half the larger peak, so the mask shows
                // where the unit fires strongly on either image.
                var threshold = thresholds.TryGetValue(u, out var t) && float.IsFinite(t) ? t : 0.5f * Math.Max(shift.Clean[u], shift.Adversarial[u]);
                var group = targetUnits.Contains(u) ? "target" : sourceUnits.Contains(u) ? "source" : "other";
                using var m1 = MaskOverlay.Render(cleanImage, c, h, w, threshold, ImageSize / 2);
                using var m2 = MaskOverlay.Render(advImage, a, h, w, threshold, ImageSize / 2);
                masks.Add(new UnitMaskPair(u, shift.Clean[u], shift.Adversarial[u], group, PngDataUrl.Of(m1), PngDataUrl.Of(m2)));
            }
            using var perturbation = ToImage((delta * amplification + 0.5).clamp(0, 1));
            var view = new AttackView(PngDataUrl.Of(cleanImage), PngDataUrl.Of(advImage), PngDataUrl.Of(perturbation), amplification, outcome,
                model.ClassNames?.ToList() ?? Enumerable.Range(0, model.NumClasses ?? 0).Select(i => $"class {i}").ToList(),
                shift, targetUnits, sourceUnits, masks, source.Label);
            cleanImage.Dispose();
            advImage.Dispose();
            foreach (var t2 in cleanActs.Values.Concat(advActs.Values)) t2.Dispose();
            return view;
        }, cancel);
    }

    /// <summary>Runs the paper's batch experiment and saves it with the run.</summary>
    public async Task<AttackExperimentResult> RunExperimentAsync(RunInfo run, string layer, int target, AttackSettings settings,
        int count, IProgress<DissectionProgress>? progress, CancellationToken cancel)
    {
        var important = await store.ReadAsync(s => s.Attacks.GetImportantUnits(run.Id, layer)) ?? throw new InvalidOperationException(
            $"layer {layer} of run {run.Id} has no ablation results; run 'dissect ablate --run {run.Id} --layer {layer}' first");
        var result = await WithModel(run, (model, dataset) =>
        {
            int[]? classes = null;
            try { classes = Core.Ablation.ClassLabelMap.Resolve(model.ClassNames, dataset, dataset.Images, out _); }
            catch (ArgumentException e) { log.LogInformation("Attack experiment without labels: {Reason}", e.Message); }
            return AttackExperiment.Run(model, dataset, important,
                new AttackExperimentSettings(layer, target, settings, count), classes, progress, cancel);
        }, cancel);
        store.Write(s => s.Attacks.SaveAttackExperiment(run.Id, result));
        return result;
    }

    public Task<IReadOnlyList<StoredAttackExperiment>> ListExperimentsAsync(long run, string layer) =>
        store.ReadAsync(s => s.Attacks.GetAttackExperiments(run, layer));

    private Task<T> WithModel<T>(RunInfo run, Func<LoadedModel, ConceptDataset, T> work, CancellationToken cancel) =>
        _model.With(run, work, cancel);

    private static Tensor Load(AttackImageSource source, ConceptDataset dataset, int size)
    {
        if (source.DatasetIndex is { } i)
        {
            if (i < 0 || i >= dataset.Images.Count) throw new ArgumentException($"the dataset has no image #{i} (it has {dataset.Images.Count})");
            return dataset.LoadImage(dataset.Images[i], size);
        }
        if (source.Upload is not { Length: > 0 } bytes) throw new ArgumentException("no image was chosen");
        using var image = ImageUpload.Decode(bytes, source.Label);
        return SingleImageProbe.ToTensor(image, size);
    }

    /// <summary>(3,H,W) in [0,1] → an RGB image scaled to ImageSize (nearest neighbour keeps the pixels honest).</summary>
    private static Image<Rgb24> ToImage(Tensor chw)
    {
        var t = chw.detach().cpu().contiguous();
        var (h, w) = ((int)t.shape[1], (int)t.shape[2]);
        var v = t.data<float>().ToArray();
        var image = new Image<Rgb24>(w, h);
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
            {
                byte B(int c) => (byte)Math.Clamp(MathF.Round(v[c * h * w + y * w + x] * 255), 0, 255);
                image[x, y] = new Rgb24(B(0), B(1), B(2));
            }
        image.Mutate(x => x.Resize(ImageSize, ImageSize, KnownResamplers.NearestNeighbor));
        return image;
    }

    public void Dispose() => _model.Dispose();
}
