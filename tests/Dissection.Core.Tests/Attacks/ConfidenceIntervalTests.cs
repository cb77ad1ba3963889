// The 99 % interval is mean ± 2.58 · s/√n with the sample standard deviation, checked against hand arithmetic.
using Dissection.Core.Attacks;
using Dissection.Core.Statistics;

namespace Dissection.Core.Tests.Attacks;

public sealed class ConfidenceIntervalTests
{
    [Fact]
    public void Interval_matches_a_hand_computation()
    {
        // 1,2,3,4: mean 2.5; squared deviations 2.25+0.25+0.25+2.25 = 5; s² = 5/3; s.e. = √(5/3/4) = 0.6454972.
        var m = MeanInterval.Of([1, 2, 3, 4]);
        Assert.Equal(4, m.Count);
        Assert.Equal(2.5, m.Mean, 12);
        Assert.Equal(0.6454972244, m.StandardError, 9);
        Assert.Equal(2.5 - 2.58 * 0.6454972244, m.Low, 9);   // 0.8346171611
        Assert.Equal(2.5 + 2.58 * 0.6454972244, m.High, 9);  // 4.1653828389
        Assert.Equal(0.8346171611, m.Low, 9);
    }

    [Fact]
    public void Non_finite_values_are_skipped_and_tiny_samples_have_no_interval()
    {
        var m = MeanInterval.Of([2, double.NaN, 4]);
        Assert.Equal(2, m.Count);
        Assert.Equal(3, m.Mean, 12);
        Assert.Equal(1, m.StandardError, 12);  // s = √2, s.e. = √2/√2
        var one = MeanInterval.Of([5]);
        Assert.Equal(5, one.Mean);
        Assert.True(double.IsNaN(one.Low) && double.IsNaN(one.High));
        Assert.True(double.IsNaN(MeanInterval.Of([]).Mean));
        Assert.Equal(0, MeanInterval.Of([]).Count);
    }
}
