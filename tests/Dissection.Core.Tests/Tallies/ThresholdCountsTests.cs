// The exact top-q level by counting fp16 keys: its result equals the order statistic of a full sort of the
// fp16-rounded values (rank error 0, the documented bound) on random, tied, sparse, negative and heavy-tailed data,
// whether the floor lies under T (one pass) or above it (extra passes through coarse and single-key windows).
using Dissection.Core.Tallies;

namespace Dissection.Core.Tests.Tallies;

public class ThresholdCountsTests
{
    private static float Exact(float[] values, double q)
    {
        var rounded = values.Select(v => (float)(Half)v).OrderByDescending(v => v).ToArray();
        var k = Math.Clamp((long)Math.Floor(q * rounded.Length + 1e-9), 0, rounded.Length - 1);
        return rounded[k];
    }

    /// <summary>Runs the counts as the pipeline does: values under the floor are counted below without keys, each
    /// further pass replays the data in chunks. Returns the thresholds and the number of passes.</summary>
    private static (float[] Thresholds, int Passes) Count(float[][] data, double q, Func<float[], int> floorKey, int chunk = 97,
        double? raiseTo = null)
    {
        var counts = new ThresholdCounts(data.Select(floorKey).ToArray());
        var total = data.Select(d => (long)d.Length).ToArray();
        var lowest = data.Select(d => Fp16.KeyOf(d.Min())).ToArray();
        var passes = 0;
        bool more;
        do
        {
            passes++;
            for (var u = 0; u < data.Length; u++)
                for (var start = 0; start < data[u].Length; start += chunk)
                {
                    var piece = data[u].AsSpan(start, Math.Min(chunk, data[u].Length - start));
                    if (piece.ToArray().Max() < counts.LowCut(u)) { if (passes == 1) counts.AddBelow(u, piece.Length); }
                    else counts.Add(u, piece);
                    // As the model pass does: raise the floor to the level that raiseTo * (values so far) lie above.
                    if (passes == 1 && raiseTo is { } f) counts.RaiseFloor(u, (long)Math.Floor(f * (start + piece.Length)));
                }
            more = counts.Resolve(q, total, lowest);
        } while (more);
        return (Enumerable.Range(0, data.Length).Select(u => Fp16.Value(counts.ThresholdKey(u))).ToArray(), passes);
    }

    private static float[][] Generate(int units, int n, int seed, Func<Random, int, float> draw)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, units).Select(u => Enumerable.Range(0, n).Select(_ => draw(rng, u)).ToArray()).ToArray();
    }

    public static TheoryData<string, double> Cases => new()
    {
        { "uniform", 0.01 }, { "ties", 0.01 }, { "sparse", 0.01 }, { "negative", 0.05 }, { "heavy", 0.005 }, { "uniform", 0.3 },
    };

    private static float[][] Data(string kind) => kind switch
    {
        "uniform" => Generate(5, 20_000, 1, (r, u) => (float)r.NextDouble() * (u + 1)),
        "ties" => Generate(4, 20_000, 2, (r, _) => r.Next(6) * 0.5f),
        "sparse" => Generate(4, 20_000, 3, (r, u) => r.Next(200) == 0 ? (float)r.NextDouble() * 3 : 0f),
        "negative" => Generate(3, 20_000, 4, (r, _) => (float)(r.NextDouble() * 2 - 1.8)),
        "heavy" => Generate(3, 30_000, 5, (r, _) => (float)Math.Min(60000, Math.Exp(r.NextDouble() * 10) * 1e-3)),
        _ => throw new ArgumentException(kind),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_floor_under_the_threshold_gives_the_exact_level_in_one_pass(string kind, double q)
    {
        var data = Data(kind);
        // A floor at the minimum (or at the smallest positive value for data without negatives) is under any T.
        var (thresholds, passes) = Count(data, q, d => Math.Max(Fp16.KeyOf(d.Min()), d.Min() >= 0 ? Fp16.ZeroKey + 1 : 0));
        Assert.Equal(data.Select(d => Exact(d, q)), thresholds);
        Assert.Equal(1, passes);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_floor_above_the_threshold_costs_at_most_two_more_passes_and_stays_exact(string kind, double q)
    {
        var data = Data(kind);
        // The floor at the top-(q/10) level: T lies under it.
        var (thresholds, passes) = Count(data, q, d => Fp16.KeyOf(Exact(d, q / 10)));
        Assert.Equal(data.Select(d => Exact(d, q)), thresholds);
        Assert.InRange(passes, 1, 3);
    }

    [Fact]
    public void Every_value_below_a_floor_just_above_the_minimum_resolves_without_a_pass()
    {
        // Mostly zeros after a ReLU: T = 0 is read off from the below count, since no value lies under 0.
        var data = Generate(2, 10_000, 6, (r, _) => r.Next(1000) == 0 ? 1f : 0f);
        var (thresholds, passes) = Count(data, 0.01, _ => Fp16.ZeroKey + 1);
        Assert.Equal([0f, 0f], thresholds);
        Assert.Equal(1, passes);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Raising_the_floor_as_data_arrives_stays_exact(string kind, double q)
    {
        var data = Data(kind);
        var (thresholds, passes) = Count(data, q, d => Math.Max(Fp16.KeyOf(d.Min()), d.Min() >= 0 ? Fp16.ZeroKey + 1 : 0), raiseTo: 2 * q);
        Assert.Equal(data.Select(d => Exact(d, q)), thresholds);
        Assert.InRange(passes, 1, 3);
        // Raised too far (above T) still ends exact, through the extra passes.
        var (high, _) = Count(data, q, d => Math.Max(Fp16.KeyOf(d.Min()), d.Min() >= 0 ? Fp16.ZeroKey + 1 : 0), raiseTo: q / 4);
        Assert.Equal(data.Select(d => Exact(d, q)), high);
    }
}
