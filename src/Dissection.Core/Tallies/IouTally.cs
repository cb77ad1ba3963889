// Intersection and union counts of unit masks with concept labels, summed over the dataset (not averaged per image):
// IoU(u,c) = I / (A + G - I) with I = sum|mask_u & label_c|, A = sum|mask_u|, G = sum|label_c|.
// Image-level labels (scene, texture) count for every pixel of the image; label 0 is never a concept. How a label on
// several planes counts is BatchLabels' rule (MethodRules.LabelCounting).
// MaskArea.CategoryTouched (CVPR17, NetDissect-Lite's tally): A is kept per category; an image's mask pixels count for
// category K when the mask touches a pixel carrying (on any plane) a concept of primary category K, or the image has
// an image-level label of K; concept c uses the A of its primary category. IoU = I / (A + G - I + IouEpsilon).
// Mergeable: every count is a sum over images, so tallies of disjoint image sets add.
using Dissection.Core.Datasets;
using static TorchSharp.torch;
using System.Runtime.CompilerServices;

namespace Dissection.Core.Tallies;

internal sealed class IouTally
{
    private readonly int[] _conceptCategory;           // concept -> category index, -1 if none

    /// <param name="concepts">Indexed by label number; each concept's Category is its primary category.</param>
    public IouTally(int units, IReadOnlyList<Concept> concepts, IReadOnlyList<string> categories, MethodRules rules)
    {
        Units = units;
        Concepts = concepts.Count;
        MaskArea = rules.MaskArea;
        Epsilon = rules.IouEpsilon;
        Categories = categories;
        var categoryIndex = categories.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        _conceptCategory = concepts.Select(c => c is null ? -1 : categoryIndex.GetValueOrDefault(c.Category, -1)).ToArray();
        Intersections = new double[units * Concepts];
        LabelPixels = new double[Concepts];
        MaskPixels = new double[units * (PerCategory ? categories.Count : 1)];
    }

    public int Units { get; }
    public int Concepts { get; }
    public MaskArea MaskArea { get; }
    public double Epsilon { get; }
    private bool PerCategory => MaskArea == MaskArea.CategoryTouched;
    public IReadOnlyList<string> Categories { get; }
    /// <summary>Row-major (units x concepts).</summary>
    public double[] Intersections { get; }
    public double[] LabelPixels { get; }
    /// <summary>(units) or, per category, (units x categories).</summary>
    public double[] MaskPixels { get; }

    /// <summary>masks: (units, B, P), bool or 0/1 float, for B images that share one segmentation size P = H*W.</summary>
    public void Add(Tensor masks, IReadOnlyList<PixelLabels> labels, LabelCounting counting = LabelCounting.OncePerPixel)
    {
        using var scope = NewDisposeScope();
        var b = (int)masks.shape[1];
        if (masks.shape[0] != Units) throw new ArgumentException($"expected {Units} units, got {masks.shape[0]}");
        if (labels.Count != b) throw new ArgumentException("one PixelLabels per image is needed");
        using var batch = new BatchLabels(labels, Concepts, counting);
        if (batch.Pixels != masks.shape[2]) throw new ArgumentException($"labels have {batch.Pixels} pixels, masks have {masks.shape[2]}");
        AddLabels(batch);
        var on = (masks.dtype == ScalarType.Bool ? masks : masks.ne(0)).contiguous().data<bool>().ToArray();
        var pixels = new int[batch.Pixels];
        for (var u = 0; u < Units; u++)
            for (var i = 0; i < b; i++)
            {
                var n = 0;
                var offset = (u * b + i) * batch.Pixels;
                for (var p = 0; p < batch.Pixels; p++) if (on[offset + p]) pixels[n++] = p;
                AddMask(u, i, pixels.AsSpan(0, n), batch);
            }
    }

    /// <summary>Counts the batch's label pixels; once per batch, whatever the masks.</summary>
    public void AddLabels(BatchLabels batch)
    {
        if (batch.Concepts != Concepts) throw new ArgumentException($"labels have {batch.Concepts} concepts, expected {Concepts}");
        for (var c = 0; c < Concepts; c++) LabelPixels[c] += batch.LabelPixels[c];
    }

    /// <summary>The mask of one unit on image <paramref name="image"/> of a batch, given as its pixel indices (masks
    /// are ~1 % active, so only active pixels are visited). Calls for different units may run in parallel.</summary>
    // Optimised at first call: tiered JIT would run the first batches of a dissection on unoptimised code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddMask(int unit, int image, ReadOnlySpan<int> pixels, BatchLabels batch)
    {
        if (pixels.Length == 0) return;
        if (PerCategory) { AddMaskPerCategory(unit, image, pixels, batch); return; }
        var row = Intersections.AsSpan(unit * Concepts, Concepts);
        foreach (var c in batch.ImageLabels[image]) row[c] += pixels.Length;
        var offset = image * batch.Pixels;
        foreach (var plane in batch.Planes)
        {
            var concepts = plane.AsSpan(offset, batch.Pixels);
            foreach (var p in pixels)
            {
                var c = concepts[p];
                if (c > 0) row[c]++;
            }
        }
        MaskPixels[unit] += pixels.Length;
    }

    /// <summary><see cref="AddMask"/> for MaskArea.CategoryTouched: also notes the primary categories the mask touches.</summary>
    private void AddMaskPerCategory(int unit, int image, ReadOnlySpan<int> pixels, BatchLabels batch)
    {
        var row = Intersections.AsSpan(unit * Concepts, Concepts);
        Span<bool> touched = Categories.Count <= 256 ? stackalloc bool[Categories.Count] : new bool[Categories.Count];
        foreach (var c in batch.ImageLabels[image])
        {
            row[c] += pixels.Length;
            if (_conceptCategory[c] is var k and >= 0) touched[k] = true;
        }
        var offset = image * batch.Pixels;
        foreach (var plane in batch.Planes)
        {
            var concepts = plane.AsSpan(offset, batch.Pixels);
            foreach (var p in pixels)
            {
                var c = concepts[p];
                if (c <= 0) continue;
                row[c]++;
                if (_conceptCategory[c] is var k and >= 0) touched[k] = true;
            }
        }
        for (var k = 0; k < touched.Length; k++)
            if (touched[k]) MaskPixels[unit * Categories.Count + k] += pixels.Length;
    }

    public void Merge(IouTally other)
    {
        if (other.Units != Units || other.Concepts != Concepts || other.MaskArea != MaskArea || other.Epsilon != Epsilon)
            throw new ArgumentException("IoU tallies differ in shape");
        for (var i = 0; i < Intersections.Length; i++) Intersections[i] += other.Intersections[i];
        for (var i = 0; i < LabelPixels.Length; i++) LabelPixels[i] += other.LabelPixels[i];
        for (var i = 0; i < MaskPixels.Length; i++) MaskPixels[i] += other.MaskPixels[i];
    }

    public double Iou(int unit, int concept)
    {
        var i = Intersections[unit * Concepts + concept];
        double a;
        if (PerCategory)
        {
            var k = _conceptCategory[concept];
            a = k < 0 ? 0 : MaskPixels[unit * Categories.Count + k];
        }
        else a = MaskPixels[unit];
        var union = a + LabelPixels[concept] - i;
        // Lite: tally_both / (tally_units_cat + tally_labels - tally_both + 1e-10), in this order.
        if (Epsilon != 0) return i / (union + Epsilon);
        return union > 0 ? i / union : 0;
    }
}
