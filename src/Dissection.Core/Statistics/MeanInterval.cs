// A sample mean with its normal-approximation confidence interval, mean ± z·s/√n (z = 2.58 for the paper's 99 %).
namespace Dissection.Core.Statistics;

/// <param name="StandardError">s/√n with the sample standard deviation s (n−1 in the denominator); NaN for n &lt; 2.</param>
public sealed record MeanInterval(double Mean, double Low, double High, double StandardError, int Count)
{
    public const double Z99 = 2.58;

    /// <summary>Mean and mean ± z·s.e. of the finite values (NaN values are skipped: an empty group on that image).
    /// No values gives NaN everywhere; one value gives its mean with an undefined (NaN) interval.</summary>
    public static MeanInterval Of(IEnumerable<double> values, double z = Z99)
    {
        var xs = values.Where(double.IsFinite).ToList();
        var n = xs.Count;
        if (n == 0) return new MeanInterval(double.NaN, double.NaN, double.NaN, double.NaN, 0);
        var mean = xs.Sum() / n;
        if (n == 1) return new MeanInterval(mean, double.NaN, double.NaN, double.NaN, 1);
        var variance = xs.Sum(x => (x - mean) * (x - mean)) / (n - 1);
        var se = Math.Sqrt(variance / n);
        return new MeanInterval(mean, mean - z * se, mean + z * se, se, n);
    }
}
