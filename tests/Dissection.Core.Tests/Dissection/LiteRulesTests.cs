// `--method cvpr17` against a brute-force NetDissect-Lite (LiteOracle) on hand-made Broden folders (LiteFixture) that
// hold every quirk of Lite's rules: labels, IoUs, thresholds and ranked concepts must agree exactly. Each rule also has
// a direct test: primary category by coverage, PIL upsampling, the touched-category mask term, dead units.
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Tallies;
using Xunit.Abstractions;

namespace Dissection.Core.Tests.Dissection;

public class LiteRulesTests(ITestOutputHelper output)
{
    private static readonly DissectionSettings Cvpr17 = new() { Method = DissectionMethod.Cvpr17, Quantile = 0.1, BatchSize = 3, TopConcepts = 20 };

    [Theory]
    [InlineData(1, 4.0)]
    [InlineData(2, 4.0)]
    [InlineData(3, 0.1)]
    [InlineData(4, 0.1)]
    public void Cvpr17_equals_brute_force_lite_on_a_fixture_with_every_quirk(int seed, double floorFactor)
    {
        using var fixture = new LiteFixture(seed);
        var layer = fixture.Dissect(Cvpr17, floorFactor);
        var oracle = new LiteOracle(fixture.Root, fixture.Maps, LiteFixture.Units, Cvpr17.Quantile);
        var labelled = 0;
        for (var u = 0; u < LiteFixture.Units; u++)
        {
            var unit = layer.Units[u];
            Assert.Equal(oracle.Thresholds[u], unit.Threshold);
            var (label, category, score) = oracle.Best[u];
            Assert.Equal(label, unit.Label?.Concept ?? 0);
            if (label != 0)
            {
                labelled++;
                Assert.Equal(category, unit.Label!.Category);
                Assert.Equal(score, unit.Label.Iou, 1e-12);
            }
            var ranked = oracle.Ranked(u);
            Assert.Equal(ranked, unit.TopConcepts.Select(s => s.Concept));
            foreach (var s in unit.TopConcepts)
            {
                Assert.Equal(oracle.Iou[u, s.Concept], s.Iou, 1e-12);
                Assert.Equal(oracle.Categories[oracle.Primary[s.Concept]], s.Category);
            }
        }
        Assert.True(labelled >= 3, $"only {labelled} units have a label");
    }

    [Fact]
    public void Agreement_with_brute_force_lite_is_printed_for_the_closing_note()
    {
        // dotnet test tests/Dissection.Core.Tests --filter "FullyQualifiedName~Agreement_with_brute_force_lite" --logger "console;verbosity=detailed"
        foreach (var (name, settings) in new[] { ("cvpr17", Cvpr17), ("pnas", Cvpr17 with { Method = DissectionMethod.Pnas }) })
        {
            int units = 0, agree = 0;
            double thresholdDiff = 0, overlap = 0;
            const int k = 3;
            for (var seed = 1; seed <= 20; seed++)
            {
                using var fixture = new LiteFixture(seed);
                var layer = fixture.Dissect(settings);
                var oracle = new LiteOracle(fixture.Root, fixture.Maps, LiteFixture.Units, settings.Quantile);
                for (var u = 0; u < LiteFixture.Units; u++)
                {
                    units++;
                    if ((layer.Units[u].Label?.Concept ?? 0) == oracle.Best[u].Label) agree++;
                    thresholdDiff += Math.Abs(layer.Units[u].Threshold - oracle.Thresholds[u]);
                    var ours = layer.Units[u].TopConcepts.Take(k).Select(s => s.Concept).ToHashSet();
                    var theirs = oracle.Ranked(u).Take(k).ToList();
                    overlap += theirs.Count == 0 ? (ours.Count == 0 ? 1 : 0) : theirs.Count(ours.Contains) / (double)Math.Max(theirs.Count, ours.Count);
                }
            }
            var line = $"{name} vs brute-force Lite, {units} units on 20 fixtures: labels agree {100.0 * agree / units:F1} %, " +
                       $"mean |T - T_oracle| {thresholdDiff / units:G4}, top-{k} overlap {100 * overlap / units:F1} %";
            output.WriteLine(line);
            if (name == "cvpr17") Assert.Equal(units, agree);
        }
    }

    [Fact]
    public void Primary_category_is_the_highest_coverage_with_ties_to_the_later_category_and_unlisted_labels_to_the_last()
    {
        using var fixture = new LiteFixture(1);
        var dataset = ConceptDataset.Open(fixture.Root);
        var (concepts, categories) = DissectionRun.ConceptsFor(dataset, MethodRules.Cvpr17);
        Assert.Equal(["color", "object", "part", "scene"], categories);   // category.csv order, not index.csv's
        string Of(string name) => concepts.Single(c => c.Name == name).Category;
        Assert.Equal("part", Of("window"));    // coverage 0.08 as a part, 0.04 as an object; label.csv says object(5)
        Assert.Equal("part", Of("door"));      // 0.05 in both: the later category; label.csv's tie goes to object
        Assert.Equal("scene", Of("ghost"));    // in no c_*.csv: the last category
        Assert.Equal("color", Of("red"));
        Assert.Equal("scene", Of("kitchen"));
        var (pnas, _) = DissectionRun.ConceptsFor(dataset, MethodRules.Pnas);
        Assert.Equal(["object", "object", "object"], new[] { "window", "door", "ghost" }.Select(n => pnas.Single(c => c.Name == n).Category));
    }

    [Fact]
    public void Equal_ious_of_two_categories_go_to_the_later_category()
    {
        using var fixture = LiteFixture.Tie(5);
        var layer = fixture.Dissect(Cvpr17);
        var oracle = new LiteOracle(fixture.Root, fixture.Maps, LiteFixture.Units, Cvpr17.Quantile);
        var tied = 0;
        for (var u = 0; u < LiteFixture.Units; u++)
        {
            var unit = layer.Units[u];
            Assert.Equal(oracle.Best[u].Label, unit.Label?.Concept ?? 0);
            if (unit.Label is null) continue;
            tied++;
            Assert.Equal(oracle.Iou[u, 1], oracle.Iou[u, 2]);
            Assert.Equal(("b", "part"), (unit.Label.Name, unit.Label.Category));   // part is after object in category.csv
        }
        Assert.True(tied >= 3, $"only {tied} units have a label");
        // PNAS breaks the same tie toward the lower label number.
        Assert.All(fixture.Dissect(Cvpr17 with { Method = DissectionMethod.Pnas }).Units.Where(u => u.Label is not null),
            u => Assert.Equal("a", u.Label!.Name));
    }

    [Fact]
    public void Equal_ratios_rank_the_larger_union_first_as_lites_epsilon_does()
    {
        // One 1x4 image, mask on pixels 0 and 1: c1 (pixel 0) has I/U = 1/2, c2 (all pixels) 2/4.
        Concept[] concepts = [new(0, "-", ""), new(1, "c1", "object"), new(2, "c2", "object")];
        var tally = new IouTally(1, concepts, ["object"], MethodRules.Cvpr17);
        using var batch = new BatchLabels([new PixelLabels(1, 4, [[1, 0, 0, 0], [2, 2, 2, 2]], [], ["object"])], 3, LabelCounting.PerPlane);
        tally.AddLabels(batch);
        tally.AddMask(0, 0, [0, 1], batch);
        Assert.Equal(1 / (2 + 1e-10), tally.Iou(0, 1));
        Assert.Equal(2 / (4 + 1e-10), tally.Iou(0, 2));
        Assert.True(tally.Iou(0, 2) > tally.Iou(0, 1));
        var pnas = new IouTally(1, concepts, ["object"], MethodRules.Pnas);
        pnas.AddLabels(batch);
        pnas.AddMask(0, 0, [0, 1], batch);
        Assert.Equal(pnas.Iou(0, 1), pnas.Iou(0, 2));
    }

    [Fact]
    public void A_dead_unit_has_threshold_zero_and_no_label()
    {
        using var fixture = new LiteFixture(2);
        var unit = fixture.Dissect(Cvpr17).Units[LiteFixture.DeadUnit];
        Assert.Equal(0f, unit.Threshold);
        Assert.Null(unit.Label);
        Assert.Empty(unit.TopConcepts);
        var oracle = new LiteOracle(fixture.Root, fixture.Maps, LiteFixture.Units, Cvpr17.Quantile);
        Assert.Equal((0, "scene", 0.0), oracle.Best[LiteFixture.DeadUnit]);   // Lite: label 0 ('') in the last category
    }

    [Theory]
    [InlineData(3, 3, 8, 8)]
    [InlineData(4, 7, 9, 28)]
    [InlineData(7, 7, 112, 112)]
    [InlineData(6, 5, 4, 3)]   // downsampling widens PIL's window
    public void Pil_upsampler_equals_an_independent_imresize_and_clamps_the_edges(int h, int w, int height, int width)
    {
        var rng = new Random(h * 100 + width);
        var map = new float[h * w];
        for (var i = 0; i < map.Length; i++) map[i] = (float)(Half)(rng.NextDouble() * 8 - 1);
        var upsampler = new PilBilinearUpsampler(h, w, height, width);
        var result = new float[height * width];
        upsampler.Apply(map, result);
        var grid = new float[h, w];
        for (var i = 0; i < map.Length; i++) grid[i / w, i % w] = map[i];
        var expected = LiteOracle.ImResize(grid, height, width);
        for (var y = 0; y < height; y++) for (var x = 0; x < width; x++) Assert.Equal(expected[y, x], result[y * width + x]);
        if (height >= 2 * h && width >= 2 * w) Assert.Equal(map[0], result[0]);   // clamped, not blended toward 0

        // Above returns exactly the pixels of the full upsampling at or above each cut.
        var bits = map.Select(v => BitConverter.HalfToUInt16Bits((Half)v)).ToArray();
        foreach (var cut in new[] { -0.5f, 0f, float.Epsilon, 1f, 3.5f, MathF.BitIncrement(map.Max()) })
        {
            var pixels = new int[height * width];
            var values = new float[height * width];
            var n = upsampler.Above(bits, cut, pixels, values, new bool[h], new float[upsampler.ScratchLength + width]);
            var want = Enumerable.Range(0, result.Length).Where(p => result[p] >= cut).ToArray();
            Assert.Equal(want, pixels.Take(n));
            Assert.Equal(want.Select(p => result[p]), values.Take(n));
        }
    }

    [Fact]
    public void The_mask_term_counts_the_images_where_the_mask_touches_a_label_of_the_primary_category()
    {
        // One unit, two 1x4 images. Concepts: 1 = a (object), 2 = b (part), 3 = s (scene, image-level).
        Concept[] concepts = [new(0, "-", ""), new(1, "a", "object"), new(2, "b", "part"), new(3, "s", "scene")];
        string[] categories = ["object", "part", "scene"];
        var tally = new IouTally(1, concepts, categories, MethodRules.Cvpr17);
        // Image 0: a on plane 0 at pixel 0 and on plane 1 at pixels 0 and 1 (counted per plane); b at pixel 3.
        // Image 1: scene s, no object or part under the mask; a at pixel 3 only.
        var labels = new[]
        {
            new PixelLabels(1, 4, [[1, 0, 0, 0], [1, 1, 0, 2]], [], ["object", "part"]),
            new PixelLabels(1, 4, [[0, 0, 0, 1]], [3], ["object", "scene"]),
        };
        using var batch = new BatchLabels(labels, concepts.Length, LabelCounting.PerPlane);
        tally.AddLabels(batch);
        tally.AddMask(0, 0, [0, 1], batch);   // touches a (object) only
        tally.AddMask(0, 1, [0, 1, 2], batch); // touches nothing labelled, but the image has scene label s
        Assert.Equal([0, 4, 1, 4], tally.LabelPixels);                   // a: 1 + 2 (two planes) + 1; b: 1; s: 4 pixels
        Assert.Equal(2, tally.MaskPixels[0]);                             // object: image 0 only
        Assert.Equal(0, tally.MaskPixels[1]);                             // part: b is not under the mask
        Assert.Equal(3, tally.MaskPixels[2]);                             // scene: image 1 by its image-level label
        Assert.Equal(3 / (2 + 4 - 3 + 1e-10), tally.Iou(0, 1));          // I = 1 + 2 (per plane)
        Assert.Equal(3 / (3 + 4 - 3 + 1e-10), tally.Iou(0, 3));
    }
}
