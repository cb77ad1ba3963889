// How close a generator's samples are to the world it was trained on, as the world segmenter sees both: the pixel
// frequency of every concept (samples vs real images, correlated), how often a sample mixes outdoor sky with an indoor
// surface (no real world image does), and how confident the segmenter is on samples relative to real images. Real
// images are resized to the generator's resolution first, so both sides are segmented at the same size.
using Dissection.Core.Datasets;
using Dissection.Core.Models;
using static TorchSharp.torch;

namespace Dissection.Core.Gan;

/// <param name="Frequencies">Per concept name: share of all pixels it labels in the samples and in the real images.</param>
/// <param name="FrequencyCorrelation">Pearson correlation of the two frequency vectors over concepts seen on either side.</param>
/// <param name="SampleMixed">Share of samples with sky and an indoor surface (wall, floor, ceiling) each on ≥ 1 % of pixels.</param>
/// <param name="RealMixed">The same share over the real images.</param>
/// <param name="SampleConfidence">Mean over pixels of the segmenter's top object-class probability, on samples.</param>
/// <param name="RealConfidence">The same on real images.</param>
public sealed record SampleRealism(int Samples, int RealImages, IReadOnlyDictionary<string, (double Sample, double Real)> Frequencies,
    double FrequencyCorrelation, double SampleMixed, double RealMixed, double SampleConfidence, double RealConfidence)
{
    public double ConfidenceRatio => SampleConfidence / RealConfidence;

    /// <summary>Concepts that make a scene indoor; the world has walls and floors (ceilings are listed for other vocabularies).</summary>
    public static readonly string[] IndoorSurfaces = ["wall", "floor", "ceiling"];

    public static SampleRealism Measure(ProgressiveGenerator generator, WorldSegmenter segmenter, IReadOnlyList<Concept> concepts,
        ZDataset z, ConceptDataset real, int realCount, string realSplit = "val", int batchSize = 16, CancellationToken cancel = default)
    {
        var names = concepts.ToDictionary(c => c.Number, c => c.Name);
        int? Number(string name) => concepts.FirstOrDefault(c => c.Name == name && c.Category == "object")?.Number;
        var sky = Number("sky");
        var indoor = IndoorSurfaces.Select(Number).OfType<int>().ToHashSet();
        var size = generator.Resolution;

        using var _ = no_grad();
        var sampleSide = new Side();
        foreach (var (_, zb) in z.Batches(batchSize))
        {
            cancel.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            sampleSide.Add(segmenter, GeneratedImages.ToUnitRange(generator.call(zb)), sky, indoor);
        }
        var images = real.Images.Where(i => i.Split == realSplit).Take(realCount).ToList();
        if (images.Count == 0) throw new ArgumentException($"{real.Root} has no images in split '{realSplit}'");
        var realSide = new Side();
        for (var start = 0; start < images.Count; start += batchSize)
        {
            cancel.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            using var batch = real.LoadImages(images.Skip(start).Take(batchSize).ToList(), size);
            realSide.Add(segmenter, batch.Pixels, sky, indoor);
        }

        var labels = sampleSide.Pixels.Keys.Union(realSide.Pixels.Keys).Order().ToList();
        var freq = labels.ToDictionary(l => names.GetValueOrDefault(l, $"label {l}"),
            l => (sampleSide.Pixels.GetValueOrDefault(l) / (double)sampleSide.Total, realSide.Pixels.GetValueOrDefault(l) / (double)realSide.Total));
        return new SampleRealism(sampleSide.Images, realSide.Images, freq,
            Pearson(freq.Values.Select(v => v.Item1).ToArray(), freq.Values.Select(v => v.Item2).ToArray()),
            sampleSide.Mixed / (double)sampleSide.Images, realSide.Mixed / (double)realSide.Images,
            sampleSide.ConfidenceSum / sampleSide.Total, realSide.ConfidenceSum / realSide.Total);
    }

    internal static double Pearson(double[] a, double[] b)
    {
        if (a.Length < 2) return double.NaN;
        double ma = a.Average(), mb = b.Average(), sab = 0, saa = 0, sbb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.Sqrt(saa * sbb);
    }

    /// <summary>Running counts of one side (samples or real images); pixels are counted per head plane (object, part,
    /// material), Total per plane, so each frequency is a share of the image area.</summary>
    private sealed class Side
    {
        public Dictionary<int, long> Pixels { get; } = [];
        public long Total { get; private set; }
        public int Images { get; private set; }
        public int Mixed { get; private set; }
        public double ConfidenceSum { get; private set; }

        public void Add(WorldSegmenter segmenter, Tensor images01, int? sky, HashSet<int> indoor)
        {
            using var scope = NewDisposeScope();
            var planes = segmenter.SegmentPlanes(images01);
            var heads = WorldSegmenter.HeadCategories.Count;
            var labels = planes.narrow(1, 0, heads).to(CPU).to_type(ScalarType.Int32).contiguous();
            int n = (int)labels.shape[0], h = (int)labels.shape[2], w = (int)labels.shape[3];
            var data = labels.data<int>().ToArray();
            var confidence = segmenter.Logits(images01).Object.softmax(1).max(1).values.to(CPU).to_type(ScalarType.Float64);
            ConfidenceSum += confidence.sum().item<double>();
            for (var i = 0; i < n; i++)
            {
                var objectPlane = data.AsSpan(i * heads * h * w, h * w);
                int skyPixels = 0, indoorPixels = 0;
                var perIndoor = new Dictionary<int, int>();
                foreach (var l in objectPlane)
                {
                    if (l == sky) skyPixels++;
                    else if (indoor.Contains(l)) perIndoor[l] = perIndoor.GetValueOrDefault(l) + 1;
                }
                if (skyPixels >= 0.01 * h * w && perIndoor.Values.Any(c => c >= 0.01 * h * w)) Mixed++;
                for (var k = 0; k < heads; k++)
                    foreach (var l in data.AsSpan((i * heads + k) * h * w, h * w))
                        if (l != 0) Pixels[l] = Pixels.GetValueOrDefault(l) + 1;
            }
            Total += (long)n * h * w;
            Images += n;
        }
    }
}
