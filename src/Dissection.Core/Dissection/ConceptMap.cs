// "What the network sees" (PNAS 2020, Fig. 1): every pixel of an image takes the concept of the labelled unit that is
// most active there relative to its own threshold. Each detector's map is divided by its threshold and upsampled to
// the image size with the dissection's bilinear rule (BilinearUpsampling, the same grid as the IoU tallies and the mask
// overlays); a pixel where no detector exceeds its threshold (best ratio <= 1) stays unlabelled.
using Dissection.Core.Probing;
using Dissection.Core.Tallies;
using static TorchSharp.torch;

namespace Dissection.Core.Dissection;

/// <summary>A unit that takes part in the map: its threshold and the concept it detects.</summary>
public sealed record LabelledUnit(int Unit, float Threshold, string Concept, string Category);

/// <summary>One concept present in the map: how many pixels it wins and through which units.</summary>
public sealed record ConceptArea(string Concept, string Category, int Pixels, IReadOnlyList<int> Units);

/// <param name="Pixels">Row-major Height x Width; an index into <see cref="Concepts"/>, or -1 where nothing is seen.</param>
/// <param name="Units">Row-major Height x Width; the winning unit, or -1.</param>
/// <param name="Concepts">The concepts present, largest area first.</param>
public sealed record ConceptMap(int Height, int Width, int[] Pixels, int[] Units, IReadOnlyList<ConceptArea> Concepts)
{
    /// <summary>Units upsampled at a time: bounds memory at chunk x height x width floats.</summary>
    internal const int Chunk = 64;

    /// <summary>Fraction of pixels that carry a concept.</summary>
    public double LabelledFraction => Pixels.Length == 0 ? 0 : Pixels.Count(p => p >= 0) / (double)Pixels.Length;

    /// <summary>Computes the map at height x width from one image's activations. Units with a threshold that is not a
    /// positive finite number cannot be compared and are ignored.</summary>
    public static ConceptMap Compute(ImageActivations activations, IReadOnlyList<LabelledUnit> detectors, int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        foreach (var d in detectors)
            if (d.Unit < 0 || d.Unit >= activations.Units)
                throw new ArgumentException($"unit {d.Unit} is outside layer '{activations.Layer}' ({activations.Units} units)");
        var usable = detectors.Where(d => float.IsFinite(d.Threshold) && d.Threshold > 0).ToList();

        var bestUnit = new int[height * width];
        Array.Fill(bestUnit, -1);
        if (usable.Count > 0)
        {
            using var scope = NewDisposeScope();
            var (h, w) = (activations.Height, activations.Width);
            var all = tensor(activations.Values, [activations.Units, h, w]);
            var best = full(height * width, 1f);                        // a ratio must exceed 1 to label a pixel
            var index = full(height * width, -1L, ScalarType.Int64);    // position in `usable`
            for (var start = 0; start < usable.Count; start += Chunk)
            {
                var chunk = usable.Skip(start).Take(Chunk).ToList();
                var rows = tensor(chunk.Select(d => (long)d.Unit).ToArray());
                var thresholds = tensor(chunk.Select(d => d.Threshold).ToArray()).view(-1, 1, 1);
                var ratio = BilinearUpsampling.Apply(all.index_select(0, rows) / thresholds, height, width)
                    .reshape(chunk.Count, height * width);
                var (value, arg) = ratio.max(0);
                // Strictly greater: on a tie the earlier unit keeps the pixel, as a plain loop over units would.
                var better = value > best;
                best = where(better, value, best);
                index = where(better, arg + start, index);
            }
            var positions = index.data<long>().ToArray();
            for (var p = 0; p < positions.Length; p++)
                if (positions[p] >= 0) bestUnit[p] = usable[(int)positions[p]].Unit;
        }
        return FromUnits(height, width, bestUnit, usable);
    }

    /// <summary>Groups the winning units of each pixel by concept, largest area first.</summary>
    internal static ConceptMap FromUnits(int height, int width, int[] bestUnit, IReadOnlyList<LabelledUnit> detectors)
    {
        var byUnit = detectors.GroupBy(d => d.Unit).ToDictionary(g => g.Key, g => g.First());
        var counts = new Dictionary<(string, string), (int Pixels, SortedSet<int> Units)>();
        foreach (var u in bestUnit)
        {
            if (u < 0) continue;
            var d = byUnit[u];
            var key = (d.Concept, d.Category);
            if (!counts.TryGetValue(key, out var c)) c = (0, []);
            c.Units.Add(u);
            counts[key] = (c.Pixels + 1, c.Units);
        }
        var concepts = counts.Select(kv => new ConceptArea(kv.Key.Item1, kv.Key.Item2, kv.Value.Pixels, kv.Value.Units.ToList()))
            .OrderByDescending(c => c.Pixels).ThenBy(c => c.Concept, StringComparer.Ordinal).ToList();
        var position = concepts.Select((c, i) => (c, i)).ToDictionary(x => (x.c.Concept, x.c.Category), x => x.i);
        var pixels = bestUnit.Select(u => u < 0 ? -1 : position[(byUnit[u].Concept, byUnit[u].Category)]).ToArray();
        return new ConceptMap(height, width, pixels, bestUnit, concepts);
    }
}
