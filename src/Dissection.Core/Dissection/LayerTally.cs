// Everything the pipeline accumulates for one layer across its passes: pass 1 (ranges, value count, top-k, the
// threshold counts), and pass 2 (IoU counts, histogram, the raw maps of the top images). Each part is a mergeable tally.
using Dissection.Core.Datasets;
using Dissection.Core.Tallies;

namespace Dissection.Core.Dissection;

internal sealed class LayerTally(string layer, int units, int height, int width, int topK, MethodRules rules)
{
    public string Layer { get; } = layer;
    public int Units { get; } = units;
    public int Height { get; } = height;
    public int Width { get; } = width;

    // Pass 1: exact ranges of the raw maps, the number of values each unit's threshold is taken over, and the top
    // images by spatial max.
    public float[] RawMin { get; } = Filled(units, float.PositiveInfinity);
    public float[] RawMax { get; } = Filled(units, float.NegativeInfinity);
    public long Values { get; set; }
    public TopKTally TopK { get; set; } = new(units, topK);
    /// <summary>Created from the first batch, which sets each unit's floor.</summary>
    public ThresholdCounts? Counts { get; set; }
    /// <summary>Per unit, T as an fp16 value, once known.</summary>
    public float[] Thresholds { get; set; } = [];
    /// <summary>Pass 1's fp16 conversion buffers, used in turn (the cache writes one while the other fills).</summary>
    public ushort[][] Buffers { get; } = [[], []];
    public int Batches { get; set; }

    // Pass 2.
    /// <summary>Per unit, the smallest float whose fp16 rounding lies above T: "upsampled >= cut" is the mask.</summary>
    public float[] MaskCuts { get; set; } = [];
    public HistogramTally? Histogram { get; set; }
    public IouTally? Iou { get; set; }
    /// <summary>unit -> rank -> raw map of that top image.</summary>
    public float[][][] TopMaps { get; set; } = [];

    private readonly Dictionary<(int, int), IMapUpsampler> _upsamplers = [];

    /// <summary>The method's upsampler from this layer's maps to a segmentation size (one per size, shared by threads).</summary>
    public IMapUpsampler UpsamplerTo(int height, int width)
    {
        lock (_upsamplers)
        {
            if (!_upsamplers.TryGetValue((height, width), out var u))
                _upsamplers[(height, width)] = u = rules.Upsampling == MapUpsampling.PilBilinear
                    ? new PilBilinearUpsampler(Height, Width, height, width)
                    : new MapUpsampler(Height, Width, height, width);
            return u;
        }
    }

    /// <summary>Split-half reliability and lift of a unit's label: each half's best concept is chosen by the same order
    /// (and tie rule) as the label itself.</summary>
    private static LabelReliability Reliability(IouTally iou, int unit, ConceptScore label, IReadOnlyList<Concept> concepts,
        Comparison<ConceptScore> bestFirst)
    {
        var best = new ConceptScore?[2];
        for (var h = 0; h < 2; h++)
            for (var c = 1; c < concepts.Count; c++)
            {
                var v = iou.HalfIou(h, unit, c);
                if (v > 0 && concepts[c] is { } concept && new ConceptScore(c, concept.Name, concept.Category, v) is var s
                    && (best[h] is null || bestFirst(s, best[h]!) < 0))
                    best[h] = s;
            }
        var chance = iou.ChanceIou(unit, label.Concept);
        return new LabelReliability(iou.HalfIou(0, unit, label.Concept), iou.HalfIou(1, unit, label.Concept),
            best[0]?.Name, best[1]?.Name, best[0]?.Concept == label.Concept && best[1]?.Concept == label.Concept,
            chance, chance > 0 ? label.Iou / chance : 0);
    }

    private static float[] Filled(int n, float v) { var a = new float[n]; Array.Fill(a, v); return a; }

    /// <summary>Turns the tallies into per-unit results.</summary>
    /// <param name="categories">The category order that LabelTies.LaterCategory breaks ties by.</param>
    public IReadOnlyList<UnitResult> Results(IReadOnlyList<DatasetImage> images, IReadOnlyList<Concept> concepts,
        IReadOnlyList<string> categories, int topConcepts)
    {
        var laterCategory = rules.LabelTies == LabelTies.LaterCategory;
        var rank = categories.Select((c, i) => (c, i)).GroupBy(p => p.c).ToDictionary(g => g.Key, g => g.Last().i, StringComparer.Ordinal);
        int CategoryRank(ConceptScore s) => rank.GetValueOrDefault(s.Category, -1);
        int BestFirst(ConceptScore a, ConceptScore b) => a.Iou != b.Iou ? b.Iou.CompareTo(a.Iou)
            : laterCategory && CategoryRank(a) != CategoryRank(b) ? CategoryRank(b).CompareTo(CategoryRank(a))
            : a.Concept.CompareTo(b.Concept);
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
            // Best first; equal IoUs resolve to the lower label number so results do not depend on ordering accidents,
            // or (Lite: the best category by argsort, ties to the later one) first to the later category.
            scores.Sort(BestFirst);
            var perCategory = scores.GroupBy(s => s.Category).Select(g => g.First())
                .OrderByDescending(s => s.Iou).ThenBy(s => s.Concept).ToList();
            var top = TopK.Top(u).Select((t, rank) =>
            {
                var img = byIndex[t.Image];
                return new TopImage(img.Index, img.Path, t.Score, Height, Width, TopMaps.Length > u ? TopMaps[u][rank] : []);
            }).ToList();
            var hist = Histogram is { } h ? new ActivationHistogram(h.Min[u], h.Max[u], h.Counts(u)) : new ActivationHistogram(0, 0, []);
            var label = scores.Count > 0 ? scores[0] : null;
            results.Add(new UnitResult(u, Thresholds[u], label, scores.Take(topConcepts).ToList(), perCategory, top, hist)
            {
                Reliability = label is not null && Iou is { } tally ? Reliability(tally, u, label, concepts, BestFirst) : null,
            });
        }
        return results;
    }
}
