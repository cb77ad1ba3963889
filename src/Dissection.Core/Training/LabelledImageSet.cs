// A split of a concept dataset held in memory for training: images as 8-bit tensors at the training size and, per learnt
// head, the class index of every pixel. Training the world segmenter and GAN on 2 CPU cores cannot afford decoding
// JPEGs every epoch; 12,000 images at 64 px take ~150 MB as bytes.
using Dissection.Core.Datasets;
using static TorchSharp.torch;

namespace Dissection.Core.Training;

internal sealed class LabelledImageSet : IDisposable
{
    private LabelledImageSet(Tensor images, Tensor[] heads) { Images = images; Heads = heads; }

    /// <summary>(N,3,S,S) uint8.</summary>
    public Tensor Images { get; }
    /// <summary>Per head (N,S,S) uint8 class index (0 = none of this head's concepts).</summary>
    public Tensor[] Heads { get; }
    public int Count => (int)Images.shape[0];

    /// <summary>For each head category: [0, label numbers of the dataset's concepts in that category…].</summary>
    public static int[][] HeadLabelNumbers(ConceptDataset dataset, IReadOnlyList<string> headCategories) =>
        headCategories.Select(c => new[] { 0 }.Concat(dataset.Concepts.Where(k => k.Number > 0 && k.Category == c).Select(k => k.Number)).ToArray())
            .ToArray();

    /// <param name="headLabels">From HeadLabelNumbers; empty to load images only (GAN training).</param>
    public static LabelledImageSet Load(ConceptDataset dataset, IReadOnlyList<DatasetImage> images, int size,
        IReadOnlyList<int[]> headLabels, Action<int, int>? progress = null, CancellationToken cancel = default)
    {
        var maxLabel = dataset.Concepts.Count;
        // label number → (head, class index); one pixel's labels from different planes go to different heads.
        var lookup = headLabels.Select(h =>
        {
            var map = new byte[maxLabel + 1];
            for (var k = 1; k < h.Length; k++) map[h[k]] = checked((byte)k);
            return map;
        }).ToArray();
        var pix = new byte[(long)images.Count * 3 * size * size];
        var heads = headLabels.Select(_ => new byte[(long)images.Count * size * size]).ToArray();
        var done = 0;
        Parallel.For(0, images.Count, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancel }, i =>
        {
            var img = images[i];
            using (var t = dataset.LoadImage(img, size))
            using (var b = (t * 255f).round().clamp(0, 255).to_type(ScalarType.Byte))
                b.data<byte>().CopyTo(pix.AsSpan(i * 3 * size * size, 3 * size * size));
            if (headLabels.Count > 0)
            {
                var labels = dataset.LoadLabels(img);
                foreach (var plane in labels.Planes)
                    for (var y = 0; y < size; y++)
                    for (var x = 0; x < size; x++)
                    {
                        // nearest-neighbour resampling from segmentation size to training size
                        var v = plane[y * labels.SegHeight / size * labels.SegWidth + x * labels.SegWidth / size];
                        if (v <= 0 || v > maxLabel) continue;
                        for (var h = 0; h < lookup.Length; h++)
                            if (lookup[h][v] != 0) heads[h][(long)i * size * size + y * size + x] = lookup[h][v];
                    }
            }
            var d = Interlocked.Increment(ref done);
            if (d % 200 == 0 || d == images.Count) progress?.Invoke(d, images.Count);
        });
        return new LabelledImageSet(tensor(pix, [images.Count, 3, size, size]),
            heads.Select(h => tensor(h, [images.Count, size, size])).ToArray());
    }

    public void Dispose()
    {
        Images.Dispose();
        foreach (var h in Heads) h.Dispose();
    }
}
