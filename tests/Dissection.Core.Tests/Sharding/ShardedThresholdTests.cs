// The exact threshold of values split into shards: each shard counts its own values above its own floor, the merge
// takes the highest floor, and when T lies under it every shard counts the coordinator's windows again (at most two
// passes). Checked against a full sort on data whose shards differ wildly, so the window passes really run.
using Dissection.Core.Tallies;

namespace Dissection.Core.Tests.Sharding;

public sealed class ShardedThresholdTests
{
    [Theory]
    [InlineData(1, 0.01)]
    [InlineData(2, 0.005)]
    [InlineData(3, 0.1)]
    [InlineData(4, 0.3)]
    public void Merged_shards_give_the_threshold_of_a_full_sort(int seed, double q)
    {
        const int units = 5;
        var rng = new Random(seed);
        // Shard 0 is weak, shard 1 strong and small, shard 2 sparse: their floors differ by orders of magnitude.
        float[][][] shards =
        [
            Values(rng, units, 4000, () => (float)rng.NextDouble()),
            Values(rng, units, 300, () => 50 + 100 * (float)rng.NextDouble()),
            Values(rng, units, 2000, () => rng.Next(10) == 0 ? (float)rng.NextDouble() * 5 : 0),
        ];
        var tallies = shards.Select(s => Count(s, q)).ToList();
        var merged = ThresholdCounts.Merge(tallies.Select(t => Enumerable.Range(0, units).Select(t.Snapshot).ToArray()).ToList());
        var total = Enumerable.Repeat(shards.Sum(s => (long)s[0].Length), units).ToArray();
        var lowest = Enumerable.Range(0, units).Select(u => Fp16.KeyOf(shards.Min(s => s[u].Min()))).ToArray();
        var passes = 0;
        while (merged.Resolve(q, total, lowest))
        {
            passes++;
            Assert.True(passes <= 2, "at most two window passes");
            var windows = merged.Windows();
            foreach (var s in shards)
            {
                var counts = ThresholdCounts.FromWindows(windows);
                for (var u = 0; u < units; u++) if (!counts.IsResolved(u)) counts.Add(u, s[u]);
                for (var u = 0; u < units; u++) { var (_, c, below) = counts.Snapshot(u); merged.AddCounts(u, c, below); }
            }
        }
        Assert.True(seed > 2 || passes > 0, "the weak shard's floor lies far below the strong one's: a window pass must run");
        for (var u = 0; u < units; u++)
        {
            var keys = shards.SelectMany(s => s[u]).Select(Fp16.KeyOf).OrderDescending().ToList();
            var k = (int)Math.Clamp(Math.Floor(q * keys.Count + 1e-9), 0, keys.Count - 1);
            Assert.Equal(keys[k], merged.ThresholdKey(u));
        }
    }

    private static float[][] Values(Random rng, int units, int n, Func<float> next) =>
        Enumerable.Range(0, units).Select(_ => Enumerable.Range(0, n).Select(_ => next()).ToArray()).ToArray();

    /// <summary>One shard's pass 1: a floor from its own data (its top-4q level), then every value counted.</summary>
    private static ThresholdCounts Count(float[][] shard, double q)
    {
        var floors = shard.Select(v =>
        {
            var sorted = v.Select(Fp16.KeyOf).OrderDescending().ToList();
            return Math.Max(sorted[Math.Min(sorted.Count - 1, (int)(4 * q * sorted.Count))], Fp16.KeyOf(0) + 1);
        }).ToArray();
        var counts = new ThresholdCounts(floors);
        for (var u = 0; u < shard.Length; u++) counts.Add(u, shard[u]);
        return counts;
    }
}
