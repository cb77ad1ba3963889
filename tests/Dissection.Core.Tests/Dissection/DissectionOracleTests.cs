// The dissection pipeline against a brute-force oracle on a tiny real Conv2d: thresholds (exact, the documented bound
// is rank error 0), IoUs, unit labels, best-per-category, top-k images with their raw maps and the histograms, for
// PNAS (CVPR17 has its own oracle, LiteOracle), with the default floor and with a floor above T that forces threshold
// passes over the cache.
using Dissection.Core.Dissection;
using Dissection.Core.Tallies;

namespace Dissection.Core.Tests.Dissection;

public class DissectionOracleTests
{
    [Theory]
    [InlineData(DissectionMethod.Pnas, 4.0, 3)]
    [InlineData(DissectionMethod.Pnas, 0.1, 2)]
    public void Pipeline_agrees_with_brute_force(DissectionMethod method, double floorFactor, int batch)
    {
        using var oracle = new DissectionOracle(images: 9, seed: 42, corrupt: 4);
        var settings = new DissectionSettings { Quantile = 0.1, Method = method, BatchSize = batch, TopK = 3, TopConcepts = 4, HistogramBins = 6 };
        var results = DissectionPipeline.Run(oracle.Inputs(), ["conv"], settings, null, default, null, floorFactor);
        var used = oracle.Images.Where(i => !oracle.Corrupt.Contains(i.Index)).ToList();
        var layer = Assert.Single(results);
        Assert.Equal("conv", layer.Layer);
        Assert.Equal(new[] { DissectionOracle.Units, DissectionOracle.MapSize, DissectionOracle.MapSize }, layer.Shape);
        Assert.Equal(used.Count, layer.Images);
        Assert.Equal(new[] { oracle.Images[4].Path }, layer.SkippedImages);

        var anyDetector = false;
        for (var u = 0; u < DissectionOracle.Units; u++)
        {
            var unit = layer.Units[u];
            var threshold = oracle.Threshold(used, u, 0.1);
            Assert.Equal(threshold, unit.Threshold);

            var ious = oracle.RankedIous(used, u, threshold);
            Assert.Equal(ious.Take(4).Select(p => (p.Concept, p.Iou)), unit.TopConcepts.Select(s => (s.Concept, s.Iou)));
            Assert.Equal(ious.FirstOrDefault().Concept, unit.Label?.Concept ?? 0);
            var best = ious.GroupBy(p => DissectionOracle.Concepts[p.Concept].Category).Select(g => g.First().Concept).Order();
            Assert.Equal(best, unit.BestPerCategory.Select(s => s.Concept).Order());
            anyDetector |= unit.IsDetector(0.04);

            var top = oracle.TopK(used, u, 3);
            Assert.Equal(top.Select(t => t.Index), unit.TopImages.Select(t => t.ImageIndex));
            Assert.Equal(top.Select(t => (float)t.Score), unit.TopImages.Select(t => t.Activation));
            foreach (var t in unit.TopImages)
            {
                Assert.Equal(oracle.Images.Single(i => i.Index == t.ImageIndex).Path, t.Path);
                Assert.Equal(oracle.RawMap(t.ImageIndex, u).Cast<double>().Select(v => (float)v), t.Map);
            }

            // The histogram is of the raw (not upsampled) maps.
            var values = used.SelectMany(i => oracle.RawMap(i.Index, u).Cast<double>()).ToList();
            Assert.Equal((float)values.Min(), unit.Histogram.Min);
            Assert.Equal((float)values.Max(), unit.Histogram.Max);
            var h = new HistogramTally([unit.Histogram.Min], [unit.Histogram.Max], 6);
            var expected = new long[6];
            foreach (var v in values) expected[h.BinOf(0, (float)v)]++;
            Assert.Equal(expected, unit.Histogram.Counts);
        }
        Assert.True(anyDetector, "the oracle data should produce at least one detector");
    }

    [Fact]
    public void Split_and_limit_take_the_first_images_of_the_split_in_index_order()
    {
        using var oracle = new DissectionOracle(images: 12, seed: 1);
        var settings = new DissectionSettings { Split = "train", Limit = 5 };
        var chosen = DissectionRun.SelectImages(oracle.Images.AsEnumerable().Reverse().ToList(), settings);
        Assert.Equal(oracle.Images.Where(i => i.Split == "train").Take(5).Select(i => i.Index), chosen.Select(i => i.Index));
    }

    [Fact]
    public void Two_layers_share_the_passes_and_come_back_in_order()
    {
        using var oracle = new DissectionOracle(images: 5, seed: 3);
        var inputs = oracle.Inputs() with
        {
            Forward = pixels =>
            {
                var conv = oracle.Model.call(pixels);
                return new Dictionary<string, TorchSharp.torch.Tensor> { ["conv"] = conv, ["pooled"] = TorchSharp.torch.nn.functional.max_pool2d(conv, 2) };
            },
        };
        var results = DissectionPipeline.Run(inputs, ["pooled", "conv"], new DissectionSettings { Quantile = 0.1, BatchSize = 2 }, null, default, null);
        Assert.Equal(["pooled", "conv"], results.Select(r => r.Layer));
        Assert.Equal(new[] { 4, 2, 2 }, results[0].Shape);
        var used = oracle.Images;
        for (var u = 0; u < DissectionOracle.Units; u++) Assert.Equal(oracle.Threshold(used, u, 0.1), results[1].Units[u].Threshold);
    }

    [Theory]
    [InlineData(0.02, 1)]
    [InlineData(0.05, 2)]
    public void Small_quantiles_that_let_pass_1_skip_maps_still_match_brute_force(double quantile, int batch)
    {
        // The floor is the first batch's top-4q level, so with small q most later maps are never upsampled in pass 1.
        using var oracle = new DissectionOracle(images: 12, seed: 7);
        var settings = new DissectionSettings { Quantile = quantile, BatchSize = batch, TopK = 2, TopConcepts = 4 };
        var layer = Assert.Single(DissectionPipeline.Run(oracle.Inputs(), ["conv"], settings, null, default, null));
        var used = oracle.Images;
        for (var u = 0; u < DissectionOracle.Units; u++)
        {
            var threshold = oracle.Threshold(used, u, quantile);
            Assert.Equal(threshold, layer.Units[u].Threshold);
            var ious = Enumerable.Range(1, DissectionOracle.Concepts.Length - 1)
                .Select(c => (Concept: c, Iou: oracle.Iou(used, u, c, threshold))).Where(p => p.Iou > 0)
                .OrderByDescending(p => p.Iou).ThenBy(p => p.Concept).Take(4).ToList();
            Assert.Equal(ious, layer.Units[u].TopConcepts.Select(s => (s.Concept, s.Iou)));
            var values = used.SelectMany(i => oracle.RawMap(i.Index, u).Cast<double>()).ToList();
            Assert.Equal((float)values.Max(), layer.Units[u].Histogram.Max);
            Assert.Equal((float)values.Min(), layer.Units[u].Histogram.Min);
        }
    }

    [Theory]
    [InlineData(1e6f)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NaN)]
    public void An_activation_outside_the_fp16_range_fails_with_a_message_naming_the_layer(float bad)
    {
        using var oracle = new DissectionOracle(images: 4, seed: 2);
        var inputs = oracle.Inputs() with
        {
            Forward = pixels =>
            {
                var conv = oracle.Model.call(pixels);
                conv[0, 1, 2, 3] = TorchSharp.torch.tensor(bad);
                return new Dictionary<string, TorchSharp.torch.Tensor> { ["conv"] = conv };
            },
        };
        var e = Assert.Throws<InvalidOperationException>(() => DissectionPipeline.Run(inputs, ["conv"], new DissectionSettings { BatchSize = 2 }, null, default, null));
        Assert.Contains("layer conv", e.Message);
        Assert.Contains("fp16", e.Message);
    }
}
