// The labels of a batch of images that share one segmentation size, prepared once and shared by every layer's IoU
// tally: per label plane, the concept at each pixel (0 where none), the image-level labels of each image, and the
// batch's per-concept label pixel counts. With LabelCounting.OncePerPixel (PNAS) a concept counts once per pixel: it
// is 0 on a plane where an earlier plane or an image-level label of that image already has it; with PerPlane (CVPR17,
// Lite's bincount over the stacked planes) every plane and every image-level entry counts. The planes are rented from
// the shared array pool (a fresh 512 KB array per plane and batch fragmented the large-object heap): dispose to return them.
// Each image belongs to one half of the dataset (A or B, LabelReliability.HalfOf, for split-half reliability): the label pixel
// counts are also kept per half, so IouTally can count both halves in the same pass.
using System.Buffers;
using Dissection.Core.Datasets;

namespace Dissection.Core.Tallies;

internal sealed class BatchLabels : IDisposable
{
    /// <param name="halves">Per image, its half of the dataset (0 = A, 1 = B); all 0 when omitted.</param>
    public BatchLabels(IReadOnlyList<PixelLabels> labels, int concepts, LabelCounting counting = LabelCounting.OncePerPixel,
        IReadOnlyList<int>? halves = null)
    {
        if (halves is not null && (halves.Count != labels.Count || halves.Any(h => h is not (0 or 1))))
            throw new ArgumentException("one half (0 or 1) per image is needed");
        var perPlane = counting == LabelCounting.PerPlane;
        Images = labels.Count;
        Pixels = labels.Count == 0 ? 0 : labels[0].SegHeight * labels[0].SegWidth;
        Concepts = concepts;
        LabelPixels = new long[concepts];
        HalfLabelPixels = [new long[concepts], new long[concepts]];
        Halves = halves?.ToArray() ?? new int[labels.Count];
        var planes = labels.Count == 0 ? 0 : labels.Max(l => l.Planes.Count);
        var index = new int[planes][];
        for (var j = 0; j < planes; j++)
        {
            index[j] = ArrayPool<int>.Shared.Rent(Images * Pixels);
            Array.Clear(index[j], 0, Images * Pixels);
        }
        ImageLabels = new int[Images][];
        for (var i = 0; i < Images; i++)
        {
            var l = labels[i];
            var half = HalfLabelPixels[Halves[i]];
            if (l.SegHeight * l.SegWidth != Pixels) throw new ArgumentException($"labels of image {i} are {l.SegHeight}x{l.SegWidth}, the batch has {Pixels} pixels");
            var imageLabels = perPlane ? l.ImageLabels.Where(c => c > 0).ToArray() : l.ImageLabels.Where(c => c > 0).Distinct().ToArray();
            foreach (var c in imageLabels) { Check(c); LabelPixels[c] += Pixels; half[c] += Pixels; }
            ImageLabels[i] = imageLabels;
            for (var px = 0; px < Pixels; px++)
            {
                for (var j = 0; j < l.Planes.Count; j++)
                {
                    var c = l.Planes[j][px];
                    if (c <= 0) continue;
                    Check(c);
                    var seen = !perPlane && imageLabels.Length > 0 && Array.IndexOf(imageLabels, c) >= 0;
                    for (var j2 = 0; j2 < j && !seen && !perPlane; j2++) seen = l.Planes[j2][px] == c;
                    if (seen) continue;
                    index[j][i * Pixels + px] = c;
                    LabelPixels[c]++;
                    half[c]++;
                }
            }
        }
        Planes = index;
    }

    public int Images { get; }
    /// <summary>Pixels per image (H*W).</summary>
    public int Pixels { get; }
    public int Concepts { get; }
    /// <summary>Per plane, the concept at each pixel (image-major, the first Images*Pixels entries), deduplicated as
    /// described above.</summary>
    public int[][] Planes { get; private set; }
    /// <summary>Image-level labels (> 0) per image: distinct ones (OncePerPixel) or every entry (PerPlane).</summary>
    public int[][] ImageLabels { get; }
    /// <summary>Pixels labelled with each concept in this batch.</summary>
    public long[] LabelPixels { get; }
    /// <summary>Per image, its half of the dataset (0 or 1).</summary>
    public int[] Halves { get; }
    /// <summary>LabelPixels per half: [0] over the batch's images of half 0, [1] over those of half 1.</summary>
    public long[][] HalfLabelPixels { get; }

    private void Check(int c)
    {
        if (c >= Concepts) throw new InvalidDataException($"label {c} is not in the dataset's label list ({Concepts - 1} labels)");
    }

    public void Dispose()
    {
        foreach (var plane in Planes) ArrayPool<int>.Shared.Return(plane);
        Planes = [];
    }
}
