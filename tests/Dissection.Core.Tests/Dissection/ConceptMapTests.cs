// "What the network sees": each pixel's concept is the one of the labelled unit with the largest upsampled
// activation / threshold there, or none when no unit exceeds its threshold. Checked against a brute-force loop over
// pixels and units (the plain-C# Upsampler, the rule the mask overlays use) on a real tiny model and on hand-made maps.
using Dissection.Core.Dissection;
using Dissection.Core.Probing;
using Dissection.Core.Rendering;
using Dissection.Core.Tests.Probing;

namespace Dissection.Core.Tests.Dissection;

public class ConceptMapTests
{
    private static readonly (string Name, string Category)[] Concepts =
        [("sky", "scene"), ("tree", "object"), ("wheel", "part"), ("grass", "material"), ("red", "color")];

    /// <summary>Per pixel: the best ratio over all usable detectors (first unit wins ties) and that unit, or -1.</summary>
    private static (int[] Unit, float[] Best, Dictionary<int, float[]> Ratios) BruteForce(ImageActivations acts,
        IReadOnlyList<LabelledUnit> detectors, int height, int width)
    {
        var unit = Enumerable.Repeat(-1, height * width).ToArray();
        var best = Enumerable.Repeat(1f, height * width).ToArray();
        var ratios = new Dictionary<int, float[]>();
        foreach (var d in detectors.Where(d => float.IsFinite(d.Threshold) && d.Threshold > 0))
        {
            var up = Upsampler.Upsample(acts.Map(d.Unit), acts.Height, acts.Width, height, width);
            var ratio = ratios[d.Unit] = up.Select(v => v / d.Threshold).ToArray();
            for (var p = 0; p < up.Length; p++)
                if (ratio[p] > best[p]) { best[p] = ratio[p]; unit[p] = d.Unit; }
        }
        return (unit, best, ratios);
    }

    private static void AssertMatchesBruteForce(ImageActivations acts, IReadOnlyList<LabelledUnit> detectors, int height, int width)
    {
        var map = ConceptMap.Compute(acts, detectors, height, width);
        var (unit, best, ratios) = BruteForce(acts, detectors, height, width);
        var byUnit = detectors.ToDictionary(d => d.Unit);
        Assert.Equal(height * width, map.Pixels.Length);
        int labelled = 0, exact = 0;
        for (var p = 0; p < unit.Length; p++)
        {
            if (unit[p] == map.Units[p]) exact++;
            else
            {
                // Float rounding (matmul vs loop) may only swap near-ties or ratios within a hair of 1.
                var chosen = map.Units[p] < 0 ? 1f : ratios[map.Units[p]][p];
                Assert.True(Math.Abs(chosen - best[p]) < 1e-4, $"pixel {p}: engine picked unit {map.Units[p]} ({chosen}), brute force {unit[p]} ({best[p]})");
            }
            if (map.Units[p] >= 0)
            {
                labelled++;
                var area = map.Concepts[map.Pixels[p]];
                Assert.Equal(byUnit[map.Units[p]].Concept, area.Concept);
                Assert.Contains(map.Units[p], area.Units);
            }
            else Assert.Equal(-1, map.Pixels[p]);
        }
        Assert.True(exact >= unit.Length * 0.99, $"only {exact} of {unit.Length} pixels agree exactly");
        Assert.Equal(labelled, map.Concepts.Sum(c => c.Pixels));
        Assert.Equal(map.Concepts.OrderByDescending(c => c.Pixels).Select(c => c.Pixels), map.Concepts.Select(c => c.Pixels));
        Assert.Equal(labelled / (double)unit.Length, map.LabelledFraction, 9);
    }

    [Fact]
    public void Matches_brute_force_on_a_real_model_layer()
    {
        using var model = TinyProbeModel.Create();
        using var image = SingleImageProbeTests.Noise(40, 40, 11);
        var acts = SingleImageProbe.Run(model, image, TinyProbeModel.Layer);
        var peaks = acts.Peaks();
        // Thresholds at 40-90 % of each unit's peak, so several units exceed theirs in overlapping places; every third
        // unit is unlabelled (left out), and a few carry the same concept.
        var detectors = Enumerable.Range(0, acts.Units).Where(u => u % 3 != 0 && peaks[u] > 0)
            .Select(u => new LabelledUnit(u, peaks[u] * (0.4f + u % 6 * 0.1f), Concepts[u % 5].Name, Concepts[u % 5].Category))
            .ToList();
        Assert.True(detectors.Count > ConceptMap.Chunk, "the test must span more than one chunk of units");
        AssertMatchesBruteForce(acts, detectors, 37, 53);
        AssertMatchesBruteForce(acts, detectors, 128, 16);
        var map = ConceptMap.Compute(acts, detectors, 37, 53);
        Assert.True(map.LabelledFraction is > 0 and < 1, $"a useful test labels some pixels but not all ({map.LabelledFraction})");
        Assert.True(map.Concepts.Count >= 2);
    }

    [Fact]
    public void Matches_brute_force_on_random_maps_with_many_units()
    {
        var random = new Random(3);
        var (units, h, w) = (150, 5, 7);
        var values = Enumerable.Range(0, units * h * w).Select(_ => (float)(random.NextDouble() * random.NextDouble() * 4)).ToArray();
        var acts = new ImageActivations("layer", units, h, w, values, null);
        var detectors = Enumerable.Range(0, units).Where(u => u % 4 != 1)
            .Select(u => new LabelledUnit(u, 1f + (float)random.NextDouble() * 2, Concepts[u % 5].Name, Concepts[u % 5].Category))
            .ToList();
        AssertMatchesBruteForce(acts, detectors, 31, 24);
    }

    [Fact]
    public void Hand_made_maps_give_the_expected_labels()
    {
        // 2x2 maps at 2x2: no upsampling, so ratios are the values / thresholds themselves.
        var acts = new ImageActivations("l", 3, 2, 2,
        [
            4f, 0f, 1f, 0f,      // unit 0, threshold 2: ratio 2 at (0,0), 0.5 at (1,0)
            1f, 3f, 0f, 0f,      // unit 1, threshold 1: ratio 1 at (0,0), 3 at (0,1)
            9f, 9f, 9f, 9f,      // unit 2: threshold 0, ignored
        ], null);
        var map = ConceptMap.Compute(acts,
            [new LabelledUnit(0, 2f, "sky", "scene"), new LabelledUnit(1, 1f, "tree", "object"), new LabelledUnit(2, 0f, "red", "color")], 2, 2);
        Assert.Equal([0, 1, -1, -1], map.Units);
        Assert.Equal(2, map.Concepts.Count);
        Assert.Equal(["sky", "tree"], map.Concepts.Select(c => c.Concept).Order());
        Assert.Equal(0.5, map.LabelledFraction);
    }

    [Fact]
    public void A_ratio_of_exactly_one_stays_unlabelled_and_no_detectors_label_nothing()
    {
        var acts = new ImageActivations("l", 1, 1, 1, [2f], null);
        var atThreshold = ConceptMap.Compute(acts, [new LabelledUnit(0, 2f, "sky", "scene")], 1, 1);
        Assert.Equal([-1], atThreshold.Pixels);
        var none = ConceptMap.Compute(acts, [], 3, 4);
        Assert.All(none.Pixels, p => Assert.Equal(-1, p));
        Assert.Empty(none.Concepts);
        Assert.Throws<ArgumentException>(() => ConceptMap.Compute(acts, [new LabelledUnit(5, 1f, "sky", "scene")], 1, 1));
    }
}
