// Intersection and union counts of unit masks with concept labels, summed over the dataset (not averaged per image):
// IoU(u,c) = I / (A + G - I) with I = sum|mask_u & label_c|, A = sum|mask_u|, G = sum|label_c|.
// Image-level labels (scene, texture) count for every pixel of the image; label 0 is never a concept. How a label on
// several planes counts is BatchLabels' rule (MethodRules.LabelCounting).
// MaskArea.CategoryTouched (CVPR17, NetDissect-Lite's tally): A is kept per category; an image's mask pixels count for
// category K when the mask touches a pixel carrying (on any plane) a concept of primary category K, or the image has
// an image-level label of K; concept c uses the A of its primary category. IoU = I / (A + G - I + IouEpsilon).
// Mergeable: every count is a sum over images, so tallies of disjoint image sets add.
// Split halves: every count is kept per half of the dataset (BatchLabels.Halves: halves A and B, LabelReliability.HalfOf) and the full
// count is the sum of the two halves. The counts are integers held exactly in doubles, so the sum is exact and the full
// IoU is bit-identical to counting the whole dataset at once; the hot loop only picks the half's row, so the halves
// cost no extra pass. HalfIou gives each half's IoU for split-half reliability; ChanceIou the IoU a random region of the
// unit's size would get (LabelReliability).
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
        for (var h = 0; h < 2; h++)
        {
            _intersections[h] = new double[units * Concepts];
            _labelPixels[h] = new double[Concepts];
            _maskPixels[h] = new double[units * (PerCategory ? categories.Count : 1)];
        }
    }

    // Per half (0 = A, 1 = B: LabelReliability.HalfOf): the counts below, and every label pixel of the half's images.
    private readonly double[][] _intersections = new double[2][];
    private readonly double[][] _labelPixels = new double[2][];
    private readonly double[][] _maskPixels = new double[2][];
    private readonly double[] _pixels = new double[2];

    public int Units { get; }
    public int Concepts { get; }
    public MaskArea MaskArea { get; }
    public double Epsilon { get; }
    private bool PerCategory => MaskArea == MaskArea.CategoryTouched;
    public IReadOnlyList<string> Categories { get; }
    /// <summary>Row-major (units x concepts), over both halves.</summary>
    public double[] Intersections => Sum(_intersections);
    public double[] LabelPixels => Sum(_labelPixels);
    /// <summary>(units) or, per category, (units x categories), over both halves.</summary>
    public double[] MaskPixels => Sum(_maskPixels);
    /// <summary>Pixels of every image counted (at segmentation size), over both halves.</summary>
    public double Pixels => _pixels[0] + _pixels[1];

    private static double[] Sum(double[][] halves)
    {
        var sum = new double[halves[0].Length];
        for (var i = 0; i < sum.Length; i++) sum[i] = halves[0][i] + halves[1][i];
        return sum;
    }

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
        for (var h = 0; h < 2; h++)
            for (var c = 0; c < Concepts; c++) _labelPixels[h][c] += batch.HalfLabelPixels[h][c];
        foreach (var h in batch.Halves) _pixels[h] += batch.Pixels;
    }

    /// <summary>The mask of one unit on image <paramref name="image"/> of a batch, given as its pixel indices (masks
    /// are ~1 % active, so only active pixels are visited). Calls for different units may run in parallel.</summary>
    // Optimised at first call: tiered JIT would run the first batches of a dissection on unoptimised code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddMask(int unit, int image, ReadOnlySpan<int> pixels, BatchLabels batch)
    {
        if (pixels.Length == 0) return;
        if (PerCategory) { AddMaskPerCategory(unit, image, pixels, batch); return; }
        var half = batch.Halves[image];
        var row = _intersections[half].AsSpan(unit * Concepts, Concepts);
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
        _maskPixels[half][unit] += pixels.Length;
    }

    /// <summary><see cref="AddMask"/> for MaskArea.CategoryTouched: also notes the primary categories the mask touches.</summary>
    private void AddMaskPerCategory(int unit, int image, ReadOnlySpan<int> pixels, BatchLabels batch)
    {
        var half = batch.Halves[image];
        var row = _intersections[half].AsSpan(unit * Concepts, Concepts);
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
            if (touched[k]) _maskPixels[half][unit * Categories.Count + k] += pixels.Length;
    }

    public void Merge(IouTally other)
    {
        if (other.Units != Units || other.Concepts != Concepts || other.MaskArea != MaskArea || other.Epsilon != Epsilon)
            throw new ArgumentException("IoU tallies differ in shape");
        for (var h = 0; h < 2; h++)
        {
            Add(_intersections[h], other._intersections[h]);
            Add(_labelPixels[h], other._labelPixels[h]);
            Add(_maskPixels[h], other._maskPixels[h]);
            _pixels[h] += other._pixels[h];
        }
    }

    /// <summary>Every count, per half: what a shard sends (ShardedDissection). Integers held exactly in doubles, so
    /// adding shards' counts in any order gives the same sums.</summary>
    public double[][] Snapshot() =>
        [.. _intersections.Select(a => a.ToArray()), .. _labelPixels.Select(a => a.ToArray()), .. _maskPixels.Select(a => a.ToArray()), _pixels.ToArray()];

    /// <summary>Adds a shard's <see cref="Snapshot"/>.</summary>
    public void AddSnapshot(double[][] counts)
    {
        if (counts.Length != 7) throw new ArgumentException("an IoU snapshot has 7 arrays");
        for (var h = 0; h < 2; h++)
        {
            AddChecked(_intersections[h], counts[h]);
            AddChecked(_labelPixels[h], counts[2 + h]);
            AddChecked(_maskPixels[h], counts[4 + h]);
        }
        AddChecked(_pixels, counts[6]);
    }

    private static void AddChecked(double[] to, double[] from)
    {
        if (to.Length != from.Length) throw new ArgumentException($"IoU counts differ in length ({to.Length} vs {from.Length})");
        Add(to, from);
    }

    private static void Add(double[] to, double[] from) { for (var i = 0; i < to.Length; i++) to[i] += from[i]; }

    /// <summary>The unit's IoU with the concept over the whole dataset.</summary>
    public double Iou(int unit, int concept)
    {
        var (i, a, g) = (Intersection(0, unit, concept) + Intersection(1, unit, concept),
            RegionArea(0, unit, concept) + RegionArea(1, unit, concept), _labelPixels[0][concept] + _labelPixels[1][concept]);
        return Ratio(i, a, g);
    }

    /// <summary>The unit's IoU with the concept over one half of the dataset (0: half A, 1: half B; LabelReliability.HalfOf).</summary>
    public double HalfIou(int half, int unit, int concept) =>
        Ratio(Intersection(half, unit, concept), RegionArea(half, unit, concept), _labelPixels[half][concept]);

    /// <summary>
    /// The IoU that a random region as large as the unit's would get with the concept, over the whole dataset: with
    /// independent random pixels of fractions p = A/N (the unit's region, the same A its IoU uses) and q = G/N (the
    /// concept), a pixel is in both with probability p*q and in either with p + q - p*q, so the expected counts are
    /// I = A*G/N and U = A + G - A*G/N. 0 when the unit never fires or the concept never occurs.
    /// </summary>
    public double ChanceIou(int unit, int concept)
    {
        var n = Pixels;
        var a = RegionArea(0, unit, concept) + RegionArea(1, unit, concept);
        var g = Math.Min(n, _labelPixels[0][concept] + _labelPixels[1][concept]);  // PerPlane may count a pixel twice
        if (n <= 0 || a <= 0 || g <= 0) return 0;
        var both = a * g / n;
        return Ratio(both, a, g);
    }

    private double Intersection(int half, int unit, int concept) => _intersections[half][unit * Concepts + concept];

    /// <summary>The A of the IoU: the unit's region, or (CategoryTouched) its area in the concept's category.</summary>
    private double RegionArea(int half, int unit, int concept)
    {
        if (!PerCategory) return _maskPixels[half][unit];
        var k = _conceptCategory[concept];
        return k < 0 ? 0 : _maskPixels[half][unit * Categories.Count + k];
    }

    private double Ratio(double i, double a, double g)
    {
        var union = a + g - i;
        // Lite: tally_both / (tally_units_cat + tally_labels - tally_both + 1e-10), in this order.
        if (Epsilon != 0) return i / (union + Epsilon);
        return union > 0 ? i / union : 0;
    }
}
