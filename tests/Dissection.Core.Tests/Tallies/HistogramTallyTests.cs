// Per-unit activation histograms, fed as the pipeline feeds them (values counted by fp16 bit pattern, then folded),
// equal a brute-force count against the same edges, and shards merge by adding.
using Dissection.Core.Tallies;

namespace Dissection.Core.Tests.Tallies;

public class HistogramTallyTests
{
    /// <summary>fp16 bits per unit: values on a 0.01 grid in [-1, 2], so some fall exactly on bin edges, and -0.</summary>
    private static ushort[][] Values(int units, int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, units).Select(_ => Enumerable.Range(0, n)
            .Select(i => BitConverter.HalfToUInt16Bits((Half)(i == 0 ? -0.0 : Math.Round(rng.NextDouble() * 3 - 1, 2)))).ToArray()).ToArray();
    }

    private static HistogramTally Empty(ushort[][] values, int bins) => new(
        values.Select(v => v.Min(b => Fp16.ToFloat(b))).ToArray(), values.Select(v => v.Max(b => Fp16.ToFloat(b))).ToArray(), bins);

    private static void Add(HistogramTally h, ushort[][] values, int from, int count)
    {
        var byBits = new int[Fp16.Keys];
        for (var u = 0; u < values.Length; u++)
        {
            Fp16.CountBits(values[u].AsSpan(from, count), byBits);
            h.AddCounted(u, byBits);
            Assert.All(byBits, c => Assert.Equal(0, c));   // handed back zeroed, ready for the next unit
        }
    }

    private static long[] Brute(HistogramTally h, ushort[] values, int unit)
    {
        var counts = new long[h.Bins];
        foreach (var bits in values)
        {
            // Equal-width bins over [min, max]; the bin of a value exactly on an edge follows float32 arithmetic.
            var v = Fp16.ToFloat(bits);
            var x = (float)((float)(v - h.Min[unit]) * (float)(h.Bins / ((double)h.Max[unit] - h.Min[unit])));
            counts[(int)Math.Clamp(Math.Floor(x), 0, h.Bins - 1)]++;
        }
        return counts;
    }

    [Fact]
    public void Counts_equal_brute_force_including_values_on_edges()
    {
        const int units = 3, n = 500;
        var values = Values(units, n, 5);
        var h = Empty(values, 7);
        Add(h, values, 0, n);
        for (var u = 0; u < units; u++)
        {
            Assert.Equal(Brute(h, values[u], u), h.Counts(u));
            Assert.Equal(n, h.Counts(u).Sum());
        }
    }

    [Fact]
    public void Merging_two_shards_equals_one_histogram()
    {
        const int units = 2, n = 300;
        var values = Values(units, n, 9);
        var whole = Empty(values, 10);
        var a = Empty(values, 10);
        var b = Empty(values, 10);
        Add(whole, values, 0, n);
        Add(a, values, 0, 100);
        Add(b, values, 100, 200);
        a.Merge(b);
        for (var u = 0; u < units; u++) Assert.Equal(whole.Counts(u), a.Counts(u));
    }
}
