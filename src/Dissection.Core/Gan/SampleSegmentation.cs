// How recognisable a generator's samples are: segment each sample and count the object concepts that cover a visible
// share of it. The demo GAN's acceptance check ("the segmenter finds >= 3 object concepts in the median sample") and
// the playground's per-image concept list both use this.
using Dissection.Core.Models;
using static TorchSharp.torch;

namespace Dissection.Core.Gan;

/// <param name="ObjectsPerImage">Per sample: object label numbers covering at least the minimum share, largest first.</param>
public sealed record SampleConcepts(IReadOnlyList<IReadOnlyList<int>> ObjectsPerImage, double MinShare)
{
    public IReadOnlyList<int> Counts => ObjectsPerImage.Select(o => o.Count).ToList();

    /// <summary>Median number of object concepts per sample (lower median for even counts).</summary>
    public int MedianCount => Counts.Count == 0 ? 0 : Counts.Order().ElementAt((Counts.Count - 1) / 2);

    /// <summary>How many samples show each object label.</summary>
    public IReadOnlyDictionary<int, int> ImagesPerObject =>
        ObjectsPerImage.SelectMany(o => o).GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
}

public static class SampleSegmentation
{
    /// <param name="minShare">A concept counts in an image when it covers at least this fraction of its pixels (default 1 %).</param>
    public static SampleConcepts Measure(ProgressiveGenerator generator, ISegmenter segmenter, ZDataset z, int batchSize = 16, double minShare = 0.01)
    {
        var objectPlane = segmenter.PlaneCategories.ToList().IndexOf("object");
        if (objectPlane < 0) throw new ArgumentException("the segmenter has no object plane");
        var result = new List<IReadOnlyList<int>>();
        using var _ = no_grad();
        foreach (var (_, zb) in z.Batches(batchSize))
        {
            using var scope = NewDisposeScope();
            var images = GeneratedImages.ToUnitRange(generator.call(zb));
            var planes = segmenter.SegmentPlanes(images);
            var objects = planes.select(1, objectPlane).to(CPU).to_type(ScalarType.Int32);
            var pixels = objects.shape[1] * objects.shape[2];
            for (var i = 0; i < objects.shape[0]; i++)
                result.Add(Present(objects[i].flatten().data<int>().ToArray(), pixels, minShare));
        }
        return new SampleConcepts(result, minShare);
    }

    /// <summary>Labels (excluding 0) covering at least minShare of the plane, largest first.</summary>
    internal static IReadOnlyList<int> Present(int[] plane, long pixels, double minShare) =>
        plane.Where(l => l != 0).GroupBy(l => l).Where(g => g.Count() >= minShare * pixels)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Select(g => g.Key).ToList();
}
