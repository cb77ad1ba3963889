// The two causal experiments against brute force: every point of the removal curve and every context's added area
// (and the painting success) are recomputed by running the hooked generator once per edit (no cached features, no stacking) and segmenting.
using Dissection.Core.Instrumentation;
using Dissection.Core.Gan;
using Dissection.Core.Models;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Gan;

public class CausalExperimentTests
{
    // Batched and single-image convolutions may round differently, which can move a pixel across a segment boundary.
    private const double OnePixel = 1.0 / 64;

    private static double Share(ProgressiveGenerator g, Tensor z, IReadOnlyList<UnitEdit> edits, int label)
    {
        using var scope = NewDisposeScope();
        var images = GeneratedImages.ToUnitRange(GanFixture.Generate(g, z, edits));
        return new GanFixture.RuleSegmenter().SegmentPlanes(images).select(1, 0).eq(label).to_type(ScalarType.Float64).mean().item<double>();
    }

    /// <summary>The object concept with more pixels in these samples, so the measured shares are not all zero.</summary>
    private static int CommonObject(ProgressiveGenerator g, ZDataset z) =>
        new[] { 1, 2 }.OrderByDescending(l => Enumerable.Range(0, z.Count).Sum(i => Share(g, z.Batch(i, 1), [], l))).First();

    [Fact]
    public void Removal_curve_equals_ablating_the_top_k_units_one_run_at_a_time()
    {
        using var g = GanFixture.Generator();
        using var seg = GanFixture.Segmenter();
        using var z = ZDataset.FromSeed(8, 2, 5);
        var concept = GanFixture.Concepts[CommonObject(g, z)];
        int[] ranked = [3, 1, 6, 0];
        var curve = ObjectRemovalExperiment.Run(g, seg, "layer2", concept, ranked, z, batchSize: 2);

        Assert.Equal(Enumerable.Range(0, 5), curve.Points.Select(p => p.Units));
        Assert.Equal(ranked, curve.RankedUnits);
        Assert.Equal((5, 2L, "layer2", concept.Name), (curve.Samples, curve.Seed, curve.Layer, curve.ConceptName));
        for (var k = 0; k <= ranked.Length; k++)
        {
            var edits = k == 0 ? Array.Empty<UnitEdit>() : [new UnitEdit("layer2", ranked[..k])];
            var expected = Enumerable.Range(0, 5).Average(i => Share(g, z.Batch(i, 1), edits, concept.Number));
            Assert.InRange(curve.Points[k].MeanFraction, expected - OnePixel, expected + OnePixel);
            var p = curve.Points[k];
            Assert.Equal(p.MeanFraction / curve.BaselineFraction, p.Remaining, 12);
            Assert.InRange(p.Remaining, p.Low - 1e-12, p.High + 1e-12);
        }
        Assert.Equal(1.0, curve.Points[0].Remaining, 12);
    }

    [Fact]
    public void Context_rows_equal_inserting_at_each_cell_one_run_at_a_time()
    {
        using var g = GanFixture.Generator();
        using var seg = GanFixture.Segmenter();
        using var z = ZDataset.FromSeed(8, 3, 2);
        var concept = GanFixture.Concepts[CommonObject(g, z)];
        int[] units = [0, 2, 5];
        float[] levels = [3f, 2.5f, 4f];
        var result = ContextInsertionExperiment.Run(g, seg, "layer2", concept, units, levels, z);

        var added = new Dictionary<int, List<double>>();
        for (var i = 0; i < z.Count; i++)
        {
            using var zi = z.Batch(i, 1);
            var baseShare = Share(g, zi, [], concept.Number);
            using var image = GeneratedImages.ToUnitRange(g.call(zi));
            var objects = new GanFixture.RuleSegmenter().SegmentPlanes(image)[0, 0].data<long>().ToArray();
            for (var c = 0; c < 16; c++)
            {
                var region = zeros(4, 4);
                region[c / 4, c % 4] = 1f;
                var context = (int)objects[(2 * (c / 4) + 1) * 8 + 2 * (c % 4) + 1];   // the cell's centre pixel
                var share = Share(g, zi, [new UnitEdit("layer2", units, region, levels)], concept.Number);
                (added.TryGetValue(context, out var l) ? l : added[context] = []).Add(share - baseShare);
            }
        }
        Assert.Equal(added.Keys.Order(), result.Contexts.Select(r => r.Context).Order());
        Assert.Equal(32, result.Contexts.Sum(r => r.Cells));
        foreach (var row in result.Contexts)
        {
            Assert.Equal(added[row.Context].Count, row.Cells);
            Assert.InRange(row.MeanAdded, added[row.Context].Average() - OnePixel, added[row.Context].Average() + OnePixel);
            Assert.Equal(row.Context == 0 ? "unlabelled" : GanFixture.Concepts[row.Context].Name, row.ContextName);
        }
        Assert.Equal(units, result.Units);
        Assert.Equal(levels, result.Levels);
    }

    [Fact]
    public void Painting_equals_editing_the_most_ground_block_one_run_at_a_time()
    {
        using var g = GanFixture.Generator();
        using var seg = GanFixture.Segmenter();
        using var z = ZDataset.FromSeed(8, 4, 12);
        var grass = GanFixture.Concepts[2];   // painted onto the sky, the "ground" of this test
        int[] units = [0, 1, 2, 3, 4, 5, 6, 7];
        float[] levels = [-3f, -3f, -3f, -3f, -3f, -3f, -3f, -3f];
        var result = PaintingExperiment.Run(g, seg, "layer2", grass, units, levels, z, block: 2, minGain: 0.1, groundConcepts: ["sky"]);

        var gains = new List<double>();
        for (var i = 0; i < z.Count; i++)
        {
            using var zi = z.Batch(i, 1);
            using var image = GeneratedImages.ToUnitRange(g.call(zi));
            var objects = new GanFixture.RuleSegmenter().SegmentPlanes(image)[0, 0].data<long>().ToArray();
            // Brute force: every 2×2 block of the 4×4 layer, its ground cells read at the cell centres' pixels.
            var best = (Top: -1, Left: -1, Count: 0);
            for (var top = 0; top <= 2; top++)
            for (var left = 0; left <= 2; left++)
            {
                var count = 0;
                for (var y = top; y < top + 2; y++)
                for (var x = left; x < left + 2; x++)
                    if (objects[(2 * y + 1) * 8 + 2 * x + 1] == 1) count++;
                if (count > best.Count) best = (top, left, count);
            }
            if (best.Count == 0) continue;
            var region = zeros(4, 4);
            region[TensorIndex.Slice(best.Top, best.Top + 2), TensorIndex.Slice(best.Left, best.Left + 2)] = 1f;
            using var edited = GeneratedImages.ToUnitRange(GanFixture.Generate(g, zi, [new UnitEdit("layer2", units, region, levels)]));
            var after = new GanFixture.RuleSegmenter().SegmentPlanes(edited)[0, 0].data<long>().ToArray();
            double Share(long[] labels)
            {
                var hits = 0;
                for (var y = 2 * best.Top; y < 2 * best.Top + 4; y++)
                for (var x = 2 * best.Left; x < 2 * best.Left + 4; x++)
                    if (labels[y * 8 + x] == grass.Number) hits++;
                return hits / 16.0;
            }
            gains.Add(Share(after) - Share(objects));
        }
        Assert.True(gains.Count > 0, "no sample of the fixture has ground: choose another seed");
        Assert.True(gains.Any(x => x >= 0.1 + 1.0 / 16) && gains.Any(x => x < 0.1 - 1.0 / 16),   // so the count below means something
            "gains " + string.Join(", ", gains));
        Assert.Equal((12, gains.Count, 4), (result.Samples, result.Eligible, result.BlockCells));
        // A pixel may round across the segmenter's boundary between batched and single runs: 1/16 of the block.
        Assert.InRange(result.MeanGain, gains.Average() - 1.0 / 16, gains.Average() + 1.0 / 16);
        Assert.InRange(result.Successes, gains.Count(x => x >= 0.1 + 1.0 / 16), gains.Count(x => x >= 0.1 - 1.0 / 16));
        Assert.InRange(result.Rate, result.Low, result.High);
    }

    [Fact]
    public void Bad_experiment_inputs_are_refused()
    {
        using var g = GanFixture.Generator();
        using var seg = GanFixture.Segmenter();
        using var z = ZDataset.FromSeed(8, 3, 2);
        var sky = GanFixture.Concepts[1];
        Assert.Contains("outside", Assert.Throws<ArgumentException>(() => ObjectRemovalExperiment.Run(g, seg, "layer2", sky, [9], z)).Message);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => ObjectRemovalExperiment.Run(g, seg, "layer2", sky, [1, 1], z)).Message);
        Assert.Contains("not a layer", Assert.Throws<ArgumentException>(() => ObjectRemovalExperiment.Run(g, seg, "conv5", sky, [1], z)).Message);
        Assert.Contains("levels", Assert.Throws<ArgumentException>(() => ContextInsertionExperiment.Run(g, seg, "layer2", sky, [1, 2], [1f], z)).Message);
        Assert.Contains("levels", Assert.Throws<ArgumentException>(() => PaintingExperiment.Run(g, seg, "layer2", sky, [1, 2], [1f], z)).Message);
        Assert.Contains("outside", Assert.Throws<ArgumentException>(() => PaintingExperiment.Run(g, seg, "layer2", sky, [99], [1f], z)).Message);
        Assert.Contains("plane", Assert.Throws<ArgumentException>(() =>
            ObjectRemovalExperiment.Run(g, seg, "layer2", new Core.Datasets.Concept(9, "wheel", "part"), [1], z)).Message);
    }
}
