// Order statistics of timings and other small samples, used by the bench verbs and benchmarks: one definition each,
// so every reported p50, p95 and median means the same thing.
namespace Dissection.Core.Statistics;

public static class Percentiles
{
    /// <summary>Nearest-rank percentile (p in 0..1): the smallest value with at least p of the sample at or below it.</summary>
    public static double NearestRank(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) throw new ArgumentException("no values", nameof(values));
        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    /// <summary>The middle value; the mean of the two middle values for an even count.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("no values", nameof(values));
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
