// Everything the pipeline accumulates for one layer across its passes: pass 1 (ranges, counts, top-k), the threshold
// search, and pass 2 (IoU counts, histogram, the raw maps of the top images). Each part is a mergeable tally.
using Dissection.Core.Datasets;
using Dissection.Core.Tallies;

namespace Dissection.Core.Dissection;

internal sealed class LayerTally(string layer, int units, int height, int width, int topK)
{
    public string Layer { get; } = layer;
    public int Units { get; } = units;
    public int Height { get; } = height;
    public int Width { get; } = width;

    // Pass 1: exact ranges of the raw and the upsampled maps, value counts, and the top images by spatial max.
    public float[] RawMin { get; } = Filled(units, float.PositiveInfinity);
    public float[] RawMax { get; } = Filled(units, float.NegativeInfinity);
    public float[] UpMin { get; } = Filled(units, float.PositiveInfinity);
    public float[] UpMax { get; } = Filled(units, float.NegativeInfinity);
    public long RawValues { get; set; }
    public long UpValues { get; set; }
    public TopKTally TopK { get; } = new(units, topK);

    public SeedHistogram? Seed { get; set; }
    public ThresholdSearch? Search { get; set; }
    public float[] Thresholds { get; set; } = [];
    /// <summary>Per unit, the search's interval around T when the IoU pass starts, and whether T is still open
    /// (then the pixels inside the interval are deferred until T is known).</summary>
    public (float Lo, float Hi)[] Brackets { get; set; } = [];
    public bool[] Open { get; set; } = [];
    public DeferredPixels? Deferred { get; set; }

    // Pass 2.
    public HistogramTally? Histogram { get; set; }
    public IouTally? Iou { get; set; }
    /// <summary>unit -> rank -> raw map of that top image.</summary>
    public float[][][] TopMaps { get; set; } = [];

    public static void Widen(float[] min, float[] max, float[] batchMin, float[] batchMax)
    {
        for (var u = 0; u < min.Length; u++)
        {
            if (batchMin[u] < min[u]) min[u] = batchMin[u];
            if (batchMax[u] > max[u]) max[u] = batchMax[u];
        }
    }

    private static float[] Filled(int n, float v) { var a = new float[n]; Array.Fill(a, v); return a; }

    /// <summary>Turns the tallies into per-unit results.</summary>
    public IReadOnlyList<UnitResult> Results(IReadOnlyList<DatasetImage> images, IReadOnlyList<Concept> concepts, int topConcepts)
    {
        var byIndex = images.ToDictionary(i => i.Index);
        var results = new List<UnitResult>(Units);
        for (var u = 0; u < Units; u++)
        {
            var scores = new List<ConceptScore>();
            if (Iou is { } iou)
                for (var c = 1; c < concepts.Count; c++)
                {
                    var v = iou.Iou(u, c);
                    if (v > 0 && concepts[c] is { } concept) scores.Add(new ConceptScore(c, concept.Name, concept.Category, v));
                }
            // Best first; equal IoUs resolve to the lower label number so results do not depend on ordering accidents.
            scores.Sort((a, b) => a.Iou != b.Iou ? b.Iou.CompareTo(a.Iou) : a.Concept.CompareTo(b.Concept));
            var perCategory = scores.GroupBy(s => s.Category).Select(g => g.First())
                .OrderByDescending(s => s.Iou).ThenBy(s => s.Concept).ToList();
            var top = TopK.Top(u).Select((t, rank) =>
            {
                var img = byIndex[t.Image];
                return new TopImage(img.Index, img.Path, t.Score, Height, Width, TopMaps.Length > u ? TopMaps[u][rank] : []);
            }).ToList();
            var hist = Histogram is { } h ? new ActivationHistogram(h.Min[u], h.Max[u], h.Counts(u)) : new ActivationHistogram(0, 0, []);
            results.Add(new UnitResult(u, Thresholds[u], scores.Count > 0 ? scores[0] : null, scores.Take(topConcepts).ToList(),
                perCategory, top, hist));
        }
        return results;
    }
}
