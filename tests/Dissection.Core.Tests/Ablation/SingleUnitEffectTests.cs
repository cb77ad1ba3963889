// Ablating a unit changes exactly what depends on it: nothing when the tail ignores it, only its class when the class
// depends on it alone.
using Dissection.Core.Ablation;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Ablation;

public sealed class SingleUnitEffectTests
{
    // Units 0 and 1 copy input channels 0 and 1; units 2 and 3 copy channel 2 but the fc ignores them (zero columns).
    private static readonly float[,] Conv = { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 }, { 0, 0, 1 } };
    // class 0 <- 2*unit0, class 1 <- 2*unit1, class 2 <- bias 1.
    private static readonly float[,] Fc = { { 2, 0, 0, 0 }, { 0, 2, 0, 0 }, { 0, 0, 0, 0 } };
    private static readonly float[] Bias = [0, 0, 1];

    /// <summary>Per class 5 images: class 0 lights channel 0, class 1 channel 1, class 2 only channel 2 (ignored).</summary>
    private static (Tensor Inputs, int[] Labels) Data()
    {
        var n = 15;
        var x = zeros(n, 3, AblationModels.Size, AblationModels.Size);
        var labels = new int[n];
        for (var i = 0; i < n; i++)
        {
            labels[i] = i % 3;
            var strength = 1f + 0.1f * i;
            if (labels[i] < 2) x[i, labels[i]].fill_(strength);
            x[i, 2].fill_(strength);
        }
        return (x, labels);
    }

    [Fact]
    public void Ablating_a_unit_the_tail_ignores_changes_nothing()
    {
        using var model = AblationModels.Wrap(AblationModels.Sequential(Conv, Fc, Bias), 3);
        var (x, labels) = Data();
        using var session = AblationSession.ForInputs(model, "conv", x, labels);
        var m = session.Evaluate([[2], [3], [2, 3]]);
        Assert.Equal("split", session.Method);
        foreach (var ablated in m.Skip(1))
        {
            Assert.Equal(m[0].Accuracy, ablated.Accuracy);
            Assert.Equal(m[0].BalancedAccuracy, ablated.BalancedAccuracy);
            Assert.Equal(m[0].MeanConfidence, ablated.MeanConfidence, 1e-6);
        }
    }

    [Fact]
    public void A_class_that_depends_on_one_unit_alone_is_destroyed_by_ablating_it_and_nothing_else_is()
    {
        using var model = AblationModels.Wrap(AblationModels.Sequential(Conv, Fc, Bias), 3);
        var (x, labels) = Data();
        using var session = AblationSession.ForInputs(model, "conv", x, labels, new AblationSettings { BatchSize = 4 });
        var result = AblationRunner.Run(session, new AblationSettings { ImportantCount = 2 });

        Assert.Equal([1.0, 1.0, 1.0], result.Baseline.Accuracy);
        Assert.Equal([1.0, 1.0, 1.0], result.Baseline.BalancedAccuracy);
        var unit0 = result.Units.Single(u => u.Unit == 0).Metrics;
        Assert.Equal(0.0, unit0.Accuracy[0]);        // class 0 destroyed: every image now goes to class 2
        Assert.Equal(0.5, unit0.BalancedAccuracy[0]);
        Assert.Equal(1.0, unit0.Accuracy[1]);        // class 1 untouched
        Assert.Equal(1.0, unit0.BalancedAccuracy[1]);
        Assert.Equal(1.0, unit0.Accuracy[2]);        // class 2 keeps all its images (it only gains false positives)

        var unit1 = result.Units.Single(u => u.Unit == 1).Metrics;
        Assert.Equal(0.0, unit1.Accuracy[1]);
        Assert.Equal(1.0, unit1.Accuracy[0]);

        Assert.Equal(0, result.Importance[0].ImportantUnits[0].Unit);
        Assert.Equal(0.5, result.Importance[0].ImportantUnits[0].Drop);
        Assert.Equal(1, result.Importance[1].ImportantUnits[0].Unit);
        Assert.Equal(2, result.Importance[0].ImportantUnits.Count);
        // No unit matters for class 2's own images: its top drop comes only from false positives of other classes.
        Assert.True(result.Importance[2].ImportantUnits[0].Drop <= 1.0 / 3 + 1e-12);

        // Group curves: removing class 0's top unit kills it; keeping only its top unit keeps it alive.
        var curve = result.Curves.Single(c => c.Class == 0);
        var one = curve.Points.Single(p => p.N == 1);
        Assert.Equal(0.5, one.RemoveTop);
        Assert.Equal(1.0, one.KeepTop);
        Assert.Equal([1, 2, 3], curve.Points.Select(p => p.N));
    }
}
