// Asserts that two dissections or two ablations are bit-identical: every threshold, IoU, label, top image (its score
// and raw map), histogram count and reliability figure, and every ablation metric. Shared with the cluster tests
// (linked into tests/Dissection.Cluster.Tests), which compare cluster runs with the same single-process runs.
using Dissection.Core.Ablation;
using Dissection.Core.Dissection;

namespace Dissection.Core.Tests.Sharding;

public static class ExactResults
{
    public static void Equal(IReadOnlyList<LayerResult> expected, IReadOnlyList<LayerResult> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var l = 0; l < expected.Count; l++)
        {
            var (e, a) = (expected[l], actual[l]);
            Assert.Equal(e.Layer, a.Layer);
            Assert.Equal(e.Shape, a.Shape);
            Assert.Equal(e.Images, a.Images);
            Assert.Equal(e.SkippedImages, a.SkippedImages);
            Assert.Equal(e.Units.Count, a.Units.Count);
            for (var u = 0; u < e.Units.Count; u++)
            {
                var (x, y) = (e.Units[u], a.Units[u]);
                var where = $"layer {e.Layer} unit {u}";
                Assert.True(BitConverter.SingleToInt32Bits(x.Threshold) == BitConverter.SingleToInt32Bits(y.Threshold),
                    $"{where}: threshold {x.Threshold:R} vs {y.Threshold:R}");
                Assert.Equal(x.Label, y.Label);   // records: concept, name, category and the IoU double, exactly
                Assert.Equal(x.TopConcepts, y.TopConcepts);
                Assert.Equal(x.BestPerCategory, y.BestPerCategory);
                Assert.Equal(x.Reliability, y.Reliability);
                Assert.Equal(x.Histogram.Min, y.Histogram.Min);
                Assert.Equal(x.Histogram.Max, y.Histogram.Max);
                Assert.Equal(x.Histogram.Counts, y.Histogram.Counts);
                Assert.Equal(x.TopImages.Count, y.TopImages.Count);
                for (var k = 0; k < x.TopImages.Count; k++)
                {
                    var (p, q) = (x.TopImages[k], y.TopImages[k]);
                    Assert.Equal((p.ImageIndex, p.Path, p.Activation, p.MapHeight, p.MapWidth), (q.ImageIndex, q.Path, q.Activation, q.MapHeight, q.MapWidth));
                    Assert.Equal(p.Map, q.Map);
                }
            }
        }
    }

    public static void Equal(AblationResult expected, AblationResult actual)
    {
        Assert.Equal((expected.Layer, expected.Labelled, expected.Split, expected.Images, expected.Method, expected.Note),
            (actual.Layer, actual.Labelled, actual.Split, actual.Images, actual.Method, actual.Note));
        Assert.Equal(expected.Classes, actual.Classes);
        Equal(expected.Baseline, actual.Baseline);
        Assert.Equal(expected.Units.Count, actual.Units.Count);
        for (var i = 0; i < expected.Units.Count; i++)
        {
            Assert.Equal(expected.Units[i].Unit, actual.Units[i].Unit);
            Equal(expected.Units[i].Metrics, actual.Units[i].Metrics);
        }
        Assert.Equal(expected.Importance.Count, actual.Importance.Count);
        for (var i = 0; i < expected.Importance.Count; i++)
        {
            var (e, a) = (expected.Importance[i], actual.Importance[i]);
            Assert.Equal((e.Class, e.Name, e.Baseline), (a.Class, a.Name, a.Baseline));
            Assert.Equal(e.ImportantUnits, a.ImportantUnits);
        }
        Assert.Equal(expected.Curves.Count, actual.Curves.Count);
        for (var i = 0; i < expected.Curves.Count; i++)
        {
            Assert.Equal(expected.Curves[i].Class, actual.Curves[i].Class);
            Assert.Equal(expected.Curves[i].Points, actual.Curves[i].Points);
        }
        Assert.Equal(expected.Random.Count, actual.Random.Count);
        for (var i = 0; i < expected.Random.Count; i++)
        {
            Assert.Equal((expected.Random[i].N, expected.Random[i].Draws), (actual.Random[i].N, actual.Random[i].Draws));
            Assert.Equal(expected.Random[i].MeanDrop, actual.Random[i].MeanDrop);
        }
    }

    private static void Equal(ClassMetrics e, ClassMetrics a)
    {
        Assert.Equal(e.Accuracy, a.Accuracy);
        Assert.Equal(e.BalancedAccuracy, a.BalancedAccuracy);
        Assert.Equal(e.OverallAccuracy, a.OverallAccuracy);
        Assert.Equal(e.MeanConfidence, a.MeanConfidence);
        Assert.Equal(e.ClassProbability, a.ClassProbability);
    }
}
