// How often a dissection reads the data: the model pass, which ends with every exact threshold known, and ONE IoU pass
// over the activation cache; threshold passes over the cache run only when a unit's threshold lies under the floor
// that the first batch set. Results match brute force either way.
using Dissection.Core.Dissection;
using Dissection.Core.Work;

namespace Dissection.Core.Tests.Dissection;

public class DissectionPassesTests
{
    private sealed class Phases : IProgress<DissectionProgress>
    {
        public readonly List<string> Seen = [];
        public void Report(DissectionProgress value) { if (!Seen.Contains(value.Phase)) Seen.Add(value.Phase); }
    }

    [Theory]
    [InlineData(0.05, 3)]
    [InlineData(0.2, 1)]
    public void Pnas_reads_the_data_twice_and_matches_brute_force(double quantile, int batch)
    {
        using var oracle = new DissectionOracle(images: 12, seed: 11);
        var phases = new Phases();
        var layer = Assert.Single(DissectionPipeline.Run(oracle.Inputs(), ["conv"],
            new DissectionSettings { Quantile = quantile, BatchSize = batch, TopConcepts = 4 }, phases, default, null));
        Assert.Equal(["pass 1: model", "pass 2: IoU"], phases.Seen);
        AssertMatchesOracle(oracle, layer, quantile);
    }

    [Fact]
    public void A_floor_above_the_threshold_costs_threshold_passes_and_stays_exact()
    {
        using var oracle = new DissectionOracle(images: 12, seed: 11);
        var phases = new Phases();
        var layer = Assert.Single(DissectionPipeline.Run(oracle.Inputs(), ["conv"],
            new DissectionSettings { Quantile = 0.05, BatchSize = 3, TopConcepts = 4 }, phases, default, null, floorFactor: 0.05));
        Assert.Equal("pass 1: model", phases.Seen[0]);
        Assert.StartsWith("thresholds", phases.Seen[1]);
        Assert.Equal("pass 2: IoU", phases.Seen[^1]);
        AssertMatchesOracle(oracle, layer, 0.05);
    }

    private static void AssertMatchesOracle(DissectionOracle oracle, LayerResult layer, double quantile)
    {
        var used = oracle.Images;
        for (var u = 0; u < DissectionOracle.Units; u++)
        {
            var threshold = oracle.Threshold(used, u, quantile);
            Assert.Equal(threshold, layer.Units[u].Threshold);
            var ious = oracle.RankedIous(used, u, threshold);
            Assert.Equal(ious.Take(4).Select(p => (p.Concept, p.Iou)), layer.Units[u].TopConcepts.Select(s => (s.Concept, s.Iou)));
        }
    }
}
