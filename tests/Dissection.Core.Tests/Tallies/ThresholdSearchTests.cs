// The exact top-q threshold search: its result equals the order statistic of a full sort (rank error 0, the
// documented bound) on random, tied and heavy-tailed data, also when tiny bins and caps force many narrowing passes.
using Dissection.Core.Tallies;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Tallies;

public class ThresholdSearchTests
{
    private static float Exact(float[] values, double q)
    {
        var n = values.Length;
        var k = Math.Clamp((long)Math.Floor(q * n + 1e-9), 0, n - 1);
        var sorted = values.OrderByDescending(v => v).ToArray();
        return sorted[k];
    }

    /// <summary>Runs the search over data[unit][i], fed in chunks of the given size.</summary>
    private static (float[] Thresholds, int Passes) Search(float[][] data, double q, int bins, int cap, int chunk, bool seed = false)
    {
        var units = data.Length;
        var n = data[0].Length;
        var search = new ThresholdSearch(q, Enumerable.Repeat((long)n, units).ToArray(),
            data.Select(d => d.Min()).ToArray(), data.Select(d => d.Max()).ToArray(), bins, cap);
        var flat = new float[units * n];
        for (var u = 0; u < units; u++) Array.Copy(data[u], 0, flat, u * n, n);
        using var all = tensor(flat, [units, n]);
        if (seed)
        {
            // Range from the first chunk only: later chunks overflow it, as later batches do in pass 1.
            SeedHistogram? histogram = null;
            for (var start = 0; start < n; start += chunk)
            {
                using var piece = all.narrow(1, start, Math.Min(chunk, n - start));
                histogram ??= new SeedHistogram(piece.amin(1).data<float>().ToArray(), piece.amax(1).data<float>().ToArray(), bins);
                histogram.Add(piece);
            }
            search.Seed(histogram!);
        }
        var t = search.Run(observe =>
        {
            for (var start = 0; start < n; start += chunk)
            {
                using var piece = all.narrow(1, start, Math.Min(chunk, n - start));
                observe(piece);
            }
        });
        return (t, search.Passes);
    }

    private static float Adjacent(float v, int steps)
    {
        for (var i = 0; i < steps; i++) v = MathF.BitIncrement(v);
        return v;
    }

    private static float[][] Generate(int units, int n, int seed, Func<Random, int, float> draw)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, units).Select(u => Enumerable.Range(0, n).Select(_ => draw(rng, u)).ToArray()).ToArray();
    }

    public static TheoryData<string, int, int> Cases() => new()
    {
        { "uniform", 4096, 8192 }, { "uniform", 4, 16 }, { "normal", 8, 3 }, { "ties", 4, 16 }, { "ties", 4096, 8192 },
        { "heavy", 4, 16 }, { "heavy", 16, 50 }, { "relu", 4, 16 }, { "constant", 4, 16 }, { "tiny-range", 4, 16 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Threshold_equals_the_sorted_order_statistic(string kind, int bins, int cap)
    {
        Func<Random, int, float> draw = kind switch
        {
            "uniform" => (r, _) => (float)r.NextDouble(),
            "normal" => (r, _) => (float)(Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble())),
            // Few distinct values: the top 1 % sits inside a big block of ties.
            "ties" => (r, u) => r.Next(u + 2),
            // Pareto tail spanning many decades plus exact zeros.
            "heavy" => (r, _) => r.NextDouble() < 0.3 ? 0f : (float)Math.Pow(1 - r.NextDouble(), -3.0),
            "relu" => (r, _) => Math.Max(0f, (float)(r.NextDouble() - 0.9)),
            "constant" => (_, _) => 2.5f,
            // Adjacent floats only: bins collapse and edges must still progress.
            "tiny-range" => (r, _) => Adjacent(1f, r.Next(5)),
            _ => throw new ArgumentException(kind),
        };
        foreach (var q in new[] { 0.01, 0.005, 0.3 })
        {
            var data = Generate(units: 5, n: 3000, seed: kind.Length * 31 + bins, draw);
            var (thresholds, passes) = Search(data, q, bins, cap, chunk: 700);
            for (var u = 0; u < data.Length; u++)
                Assert.Equal(Exact(data[u], q), thresholds[u]);
            Assert.True(passes >= 1 || data.All(d => d.Min() == d.Max()));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Seeded_search_equals_the_sorted_order_statistic(string kind, int bins, int cap)
    {
        var rng = new Random(kind.Length);
        var data = Generate(units: 4, n: 4000, seed: kind.Length * 7 + bins, kind switch
        {
            "ties" => (r, u) => r.Next(u + 2),
            "heavy" => (r, _) => r.NextDouble() < 0.3 ? 0f : (float)Math.Pow(1 - r.NextDouble(), -3.0),
            "relu" => (r, _) => Math.Max(0f, (float)(r.NextDouble() - 0.9)),
            "constant" => (_, _) => 2.5f,
            "tiny-range" => (r, _) => Adjacent(1f, r.Next(5)),
            _ => (r, _) => (float)r.NextDouble(),
        });
        // Make later values exceed the first chunk's range, so the seed's overflow bin matters.
        for (var u = 0; u < data.Length; u++) for (var i = 2000; i < 4000; i++) data[u][i] *= 1.5f;
        foreach (var q in new[] { 0.01, 0.2 })
        {
            var (thresholds, _) = Search(data, q, bins, cap, chunk: 500, seed: true);
            for (var u = 0; u < data.Length; u++) Assert.Equal(Exact(data[u], q), thresholds[u]);
        }
    }

    [Fact]
    public void Mask_above_the_threshold_never_exceeds_the_target_count()
    {
        var data = Generate(3, 10_000, 7, (r, _) => r.Next(50));
        var (thresholds, _) = Search(data, 0.01, 4, 16, 999);
        for (var u = 0; u < 3; u++)
        {
            var above = data[u].Count(v => v > thresholds[u]);
            var atOrAbove = data[u].Count(v => v >= thresholds[u]);
            Assert.True(above <= 100 && atOrAbove >= 101, $"unit {u}: {above} above, {atOrAbove} at or above");
        }
    }

    [Fact]
    public void Small_bins_need_several_passes_and_still_agree_across_chunkings()
    {
        var data = Generate(4, 5000, 3, (r, _) => (float)r.NextDouble());
        var (a, passesA) = Search(data, 0.01, 4, 8, 5000);
        var (b, _) = Search(data, 0.01, 4, 8, 37);
        Assert.True(passesA > 2);
        Assert.Equal(a, b);
    }
}
