// Intersection and union counts of unit masks with concept labels, summed over the dataset (not averaged per image):
// IoU(u,c) = I / (A + G - I) with I = sum|mask_u & label_c|, A = sum|mask_u|, G = sum|label_c|.
// A pixel counts for a concept when ANY label plane at that pixel has it; image-level labels (scene, texture) count
// for every pixel of the image; label 0 is never a concept.
// CVPR17 variant (PerCategoryUnion): mask pixels are credited to category k's A only on images where k is annotated,
// and concept c uses the A of its primary category.
// Mergeable: every count is a sum over images, so tallies of disjoint image sets add.
using Dissection.Core.Datasets;
using static TorchSharp.torch;

namespace Dissection.Core.Tallies;

internal sealed class IouTally
{
    private readonly int[] _conceptCategory;           // concept -> category index, -1 if none
    private readonly Dictionary<string, int> _categoryIndex;

    public IouTally(int units, IReadOnlyList<Concept> concepts, IReadOnlyList<string> categories, bool perCategoryUnion)
    {
        Units = units;
        Concepts = concepts.Count;
        PerCategoryUnion = perCategoryUnion;
        Categories = categories;
        _categoryIndex = categories.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        _conceptCategory = concepts.Select(c => c is null ? -1 : _categoryIndex.GetValueOrDefault(c.Category, -1)).ToArray();
        Intersections = new double[units * Concepts];
        LabelPixels = new double[Concepts];
        MaskPixels = new double[units * (perCategoryUnion ? categories.Count : 1)];
    }

    public int Units { get; }
    public int Concepts { get; }
    public bool PerCategoryUnion { get; }
    public IReadOnlyList<string> Categories { get; }
    /// <summary>Row-major (units x concepts).</summary>
    public double[] Intersections { get; }
    public double[] LabelPixels { get; }
    /// <summary>(units) or, per category, (units x categories).</summary>
    public double[] MaskPixels { get; }

    /// <summary>masks: (units, B, P), bool or 0/1 float, for B images that share one segmentation size P = H*W.</summary>
    public void Add(Tensor masks, IReadOnlyList<PixelLabels> labels)
    {
        using var scope = NewDisposeScope();
        var b = (int)masks.shape[1];
        var p = (int)masks.shape[2];
        if (masks.shape[0] != Units) throw new ArgumentException($"expected {Units} units, got {masks.shape[0]}");
        if (labels.Count != b) throw new ArgumentException("one PixelLabels per image is needed");
        // Masks are ~1 % active by construction, so only active pixels are visited: counts come from bincounts of
        // (unit, concept) keys over the nonzero mask entries instead of a dense pixels x concepts product.
        var maskB = (masks.dtype == ScalarType.Bool ? masks : masks.ne(0)).reshape(Units, (long)b * p);
        var perUnit = maskB.view(Units, b, p).sum(2, type: ScalarType.Int64).contiguous().data<long>().ToArray();   // (units, B)
        var perImage = new long[b * Units];
        for (var u = 0; u < Units; u++) for (var i = 0; i < b; i++) perImage[i * Units + u] = perUnit[u * b + i];

        // Deduplicated label planes: a concept is counted once per pixel, and not at all in the planes when it is also
        // an image-level label of that image (which already covers every pixel).
        var planes = labels.Max(l => l.Planes.Count);
        var index = new long[planes][];
        for (var j = 0; j < planes; j++) index[j] = new long[b * p];
        for (var i = 0; i < b; i++)
        {
            var l = labels[i];
            if (l.SegHeight * l.SegWidth != p) throw new ArgumentException($"labels of image {i} are {l.SegHeight}x{l.SegWidth}, masks have {p} pixels");
            var imageLabels = l.ImageLabels.Where(c => c > 0).Distinct().ToArray();
            foreach (var c in imageLabels)
            {
                CheckConcept(c);
                LabelPixels[c] += p;
                for (var u = 0; u < Units; u++) Intersections[u * Concepts + c] += perImage[i * Units + u];
            }
            for (var px = 0; px < p; px++)
            {
                for (var j = 0; j < l.Planes.Count; j++)
                {
                    var c = l.Planes[j][px];
                    if (c <= 0) continue;
                    CheckConcept(c);
                    var seen = Array.IndexOf(imageLabels, c) >= 0;
                    for (var j2 = 0; j2 < j && !seen; j2++) seen = l.Planes[j2][px] == c;
                    if (seen) continue;
                    index[j][i * p + px] = c;
                    LabelPixels[c]++;
                }
            }
            if (PerCategoryUnion)
            {
                foreach (var cat in l.Categories.Distinct())
                    if (_categoryIndex.TryGetValue(cat, out var k))
                        for (var u = 0; u < Units; u++) MaskPixels[u * Categories.Count + k] += perImage[i * Units + u];
            }
            else
            {
                for (var u = 0; u < Units; u++) MaskPixels[u] += perImage[i * Units + u];
            }
        }

        if (planes > 0)
        {
            var active = maskB.nonzero();                                     // (K, 2): unit, image*P + pixel
            if (active.shape[0] > 0)
            {
                var unitKey = active.select(1, 0).mul(Concepts);
                var column = active.select(1, 1);
                var keys = cat(Enumerable.Range(0, planes).Select(j => unitKey.add(tensor(index[j]).index_select(0, column))).ToArray());
                var counts = bincount(keys, minlength: Units * Concepts).data<long>().ToArray();
                // Key u*Concepts + 0 gathers pixels without a label in that plane; label 0 is never a concept.
                for (var i = 0; i < counts.Length; i++) if (i % Concepts != 0) Intersections[i] += counts[i];
            }
        }
    }

    public void Merge(IouTally other)
    {
        if (other.Units != Units || other.Concepts != Concepts || other.PerCategoryUnion != PerCategoryUnion)
            throw new ArgumentException("IoU tallies differ in shape");
        for (var i = 0; i < Intersections.Length; i++) Intersections[i] += other.Intersections[i];
        for (var i = 0; i < LabelPixels.Length; i++) LabelPixels[i] += other.LabelPixels[i];
        for (var i = 0; i < MaskPixels.Length; i++) MaskPixels[i] += other.MaskPixels[i];
    }

    public double Iou(int unit, int concept)
    {
        var i = Intersections[unit * Concepts + concept];
        double a;
        if (PerCategoryUnion)
        {
            var k = _conceptCategory[concept];
            a = k < 0 ? 0 : MaskPixels[unit * Categories.Count + k];
        }
        else a = MaskPixels[unit];
        var union = a + LabelPixels[concept] - i;
        return union > 0 ? i / union : 0;
    }

    private void CheckConcept(int c)
    {
        if (c >= Concepts) throw new InvalidDataException($"label {c} is not in the dataset's label list ({Concepts - 1} labels)");
    }
}
