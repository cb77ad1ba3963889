// One image attacked live (the /attack page): the clean, adversarial and amplified-perturbation pictures, the
// outcome, the layer's peak shifts, and mask overlays of the most-moved units on both images. All the tensor work of
// the page; it returns PNG bytes and plain numbers.
using Dissection.Core.Datasets;
using Dissection.Core.Models;
using Dissection.Core.Probing;
using Dissection.Core.Rendering;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using static TorchSharp.torch;

namespace Dissection.Core.Attacks;

/// <summary>One unit's activation on the clean and the adversarial image, as mask overlays (PNG).</summary>
/// <param name="Group">"target" (an important unit of the target class), "source" (of the clean class) or "other".</param>
public sealed record UnitMaskImages(int Unit, float Clean, float Adversarial, string Group, byte[] CleanPng, byte[] AdversarialPng);

/// <param name="Amplification">The factor the perturbation picture is scaled by (0.5 / its largest pixel change).</param>
public sealed record ImageAttackResult(byte[] CleanPng, byte[] AdversarialPng, byte[] PerturbationPng, double Amplification,
    AttackOutcome Outcome, PeakShift Shift, int[] TargetUnits, int[] SourceUnits, IReadOnlyList<UnitMaskImages> Masks);

public static class ImageAttack
{
    /// <summary>Side of the pictures returned (nearest neighbour, so the pixels stay honest).</summary>
    public const int PictureSize = 256;

    /// <summary>The image to attack: a dataset image by index, or uploaded bytes; (3,S,S) in [0,1] at the model's size.</summary>
    /// <exception cref="ArgumentException">no such dataset image, or no upload.</exception>
    /// <exception cref="BadImageException">the upload is not a readable image.</exception>
    public static Tensor LoadImage(LoadedModel model, ConceptDataset? dataset, int? datasetIndex, byte[]? upload, string label)
    {
        var size = model.Preprocessing.InputSize;
        if (datasetIndex is { } i)
        {
            if (dataset is null) throw new ArgumentException("no dataset to take the image from");
            if (i < 0 || i >= dataset.Images.Count) throw new ArgumentException($"the dataset has no image #{i} (it has {dataset.Images.Count})");
            return dataset.LoadImage(dataset.Images[i], size);
        }
        if (upload is not { Length: > 0 } bytes) throw new ArgumentException("no image was chosen");
        using var image = ImageUpload.Decode(bytes, label);
        return SingleImageProbe.ToTensor(image, size);
    }

    /// <summary>Attacks one (3,H,W) image toward <paramref name="target"/> and measures the layer's units before and after.</summary>
    /// <param name="thresholds">The layer's dissection thresholds by unit (mask level); a unit without one uses half its larger peak.</param>
    /// <param name="important">The layer's important units per class (from ablation), or null.</param>
    public static ImageAttackResult Run(LoadedModel model, Tensor image, string layer, int target, AttackSettings settings,
        IReadOnlyDictionary<int, float> thresholds, ImportantUnits? important, IProgress<int>? steps, CancellationToken cancel)
    {
        using var scope = NewDisposeScope();
        using var adversarial = TargetedAttack.Run(model, image, target, settings, steps, cancel);
        var outcome = adversarial.Outcomes[0];
        var adv = adversarial.Images[0];

        using var retained = model.Instrumented.Retain([layer]);
        var (cleanActs, o1) = retained.Run(model.Preprocessing.Apply(image.unsqueeze(0)));
        var (advActs, o2) = retained.Run(model.Preprocessing.Apply(adv.unsqueeze(0)));
        o1.Dispose(); o2.Dispose();
        var clean = cleanActs[layer];
        var after = advActs[layer];
        try
        {
            var shift = new PeakShift(PeakActivations.Of(clean)[0], PeakActivations.Of(after)[0]);
            var targetUnits = important?.Has(target) == true ? important.ByClass[target] : [];
            var sourceUnits = important?.Has(outcome.CleanClass) == true ? important.ByClass[outcome.CleanClass] : [];

            var delta = adv - image;
            var largest = Math.Max(1e-6, delta.abs().max().item<float>());
            var amplification = 0.5 / largest;
            using var cleanImage = ToImage(image);
            using var advImage = ToImage(adv);
            var masks = new List<UnitMaskImages>();
            var (h, w) = ((int)clean.shape[2], (int)clean.shape[3]);
            foreach (var u in shift.MostChanged(4))
            {
                var c = clean[0, u].contiguous().data<float>().ToArray();
                var a = after[0, u].contiguous().data<float>().ToArray();
                // The dissection threshold when the layer was dissected; else half the larger peak, so the mask shows
                // where the unit fires strongly on either image.
                var threshold = thresholds.TryGetValue(u, out var t) && float.IsFinite(t) ? t : 0.5f * Math.Max(shift.Clean[u], shift.Adversarial[u]);
                var group = targetUnits.Contains(u) ? "target" : sourceUnits.Contains(u) ? "source" : "other";
                using var m1 = MaskOverlay.Render(cleanImage, c, h, w, threshold, PictureSize / 2);
                using var m2 = MaskOverlay.Render(advImage, a, h, w, threshold, PictureSize / 2);
                masks.Add(new UnitMaskImages(u, shift.Clean[u], shift.Adversarial[u], group, Png(m1), Png(m2)));
            }
            using var perturbation = ToImage((delta * amplification + 0.5).clamp(0, 1));
            return new ImageAttackResult(Png(cleanImage), Png(advImage), Png(perturbation), amplification, outcome,
                shift, targetUnits, sourceUnits, masks);
        }
        finally
        {
            foreach (var t in cleanActs.Values.Concat(advActs.Values)) t.Dispose();
        }
    }

    private static byte[] Png(Image<Rgb24> image)
    {
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    /// <summary>(3,H,W) in [0,1] → an RGB image scaled to PictureSize.</summary>
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
        image.Mutate(x => x.Resize(PictureSize, PictureSize, KnownResamplers.NearestNeighbor));
        return image;
    }
}
