// Per-unit activation histograms equal a brute-force count against the same edges, and shards merge by adding.
using Dissection.Core.Tallies;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Tallies;

public class HistogramTallyTests
{
    private static float[] Values(int units, int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, units * n).Select(_ => (float)Math.Round(rng.NextDouble() * 3 - 1, 2)).ToArray();
    }

    private static long[] Brute(HistogramTally h, float[] values, int units, int n, int unit)
    {
        var counts = new long[h.Bins];
        for (var i = 0; i < n; i++)
        {
            var v = values[unit * n + i];
            // Equal-width bins over [min, max]; the bin of a value exactly on an edge follows float32 arithmetic.
            var x = (float)((float)(v - h.Min[unit]) * (float)(h.Bins / ((double)h.Max[unit] - h.Min[unit])));
            counts[(int)Math.Clamp(Math.Floor(x), 0, h.Bins - 1)]++;
        }
        return counts;
    }

    [Fact]
    public void Counts_equal_brute_force_including_values_on_edges_and_out_of_range()
    {
        const int units = 3, n = 500, bins = 7;
        var values = Values(units, n, 5);
        var h = new HistogramTally([-1f, -0.5f, 0f], [2f, 1f, 1.5f], bins);
        using (var t = tensor(values, [units, n])) h.Add(t);
        for (var u = 0; u < units; u++)
        {
            Assert.Equal(Brute(h, values, units, n, u), h.Counts(u));
            Assert.Equal(n, h.Counts(u).Sum());
        }
    }

    [Fact]
    public void Merging_two_shards_equals_one_histogram()
    {
        const int units = 2, n = 300;
        var values = Values(units, n, 9);
        float[] min = [-1f, -1f], max = [2f, 2f];
        var whole = new HistogramTally(min, max, 10);
        var a = new HistogramTally(min, max, 10);
        var b = new HistogramTally(min, max, 10);
        using var all = tensor(values, [units, n]);
        whole.Add(all);
        using (var left = all.narrow(1, 0, 100)) a.Add(left);
        using (var right = all.narrow(1, 100, 200)) b.Add(right);
        a.Merge(b);
        for (var u = 0; u < units; u++) Assert.Equal(whole.Counts(u), a.Counts(u));
    }
}
