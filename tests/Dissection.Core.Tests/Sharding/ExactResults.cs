// Asserts that two dissections or two ablations are bit-identical: every threshold, IoU, label, top image (its score
// and raw map), histogram count and reliability figure (the store's round-trip comparison, SampleResults), and every
// ablation metric (AblationStoreTests.AssertSame) plus the random-removal baselines the store does not keep. Used by
// the cluster tests too (tests/Dissection.Cluster.Tests references this project).
using Dissection.Core.Ablation;
using Dissection.Core.Dissection;
using Dissection.Core.Tests.Ablation;
using Dissection.Core.Tests.Storage;

namespace Dissection.Core.Tests.Sharding;

internal static class ExactResults
{
    public static void Equal(IReadOnlyList<LayerResult> expected, IReadOnlyList<LayerResult> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (e, a) in expected.Zip(actual))
        {
            Assert.Equal((e.Layer, e.Images, e.Units.Count), (a.Layer, a.Images, a.Units.Count));
            Assert.Equal(e.Shape, a.Shape);
            Assert.Equal(e.SkippedImages, a.SkippedImages);
            foreach (var (x, y) in e.Units.Zip(a.Units)) SampleResults.AssertSameUnit(x, y);
        }
    }

    public static void Equal(AblationResult expected, AblationResult actual)
    {
        AblationStoreTests.AssertSame(expected, actual);
        Assert.Equal(expected.Random.Count, actual.Random.Count);
        foreach (var (e, a) in expected.Random.Zip(actual.Random))
        {
            Assert.Equal((e.N, e.Draws), (a.N, a.Draws));
            Assert.Equal(e.MeanDrop, a.MeanDrop);
        }
    }
}
