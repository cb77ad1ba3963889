// Per-unit histogram of fp16 activations over fixed equal-width bins in [Min, Max], the unit's exact range. Values
// arrive counted by fp16 bit pattern (Fp16.CountBits: one increment per value) and are folded into bins once per
// batch: bin = clamp(floor((v - Min) * Scale), 0, Bins-1) in float32 arithmetic (BinOf). Mergeable: two tallies with
// the same range add their counts.
using System.Runtime.CompilerServices;

namespace Dissection.Core.Tallies;

internal sealed class HistogramTally
{
    private readonly long[] _counts;

    public HistogramTally(float[] min, float[] max, int bins)
    {
        if (min.Length != max.Length) throw new ArgumentException("min and max differ in length");
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins));
        Min = min;
        Max = max;
        Bins = bins;
        Scale = min.Select((lo, u) => max[u] > lo ? (float)Math.Min(float.MaxValue, bins / ((double)max[u] - lo)) : 0f).ToArray();
        _counts = new long[min.Length * bins];
    }

    public float[] Min { get; }
    public float[] Max { get; }
    public int Bins { get; }
    public int Units => Min.Length;
    /// <summary>Per unit, bins / (max - min) as a float; 0 when max == min (everything in bin 0).</summary>
    public float[] Scale { get; }

    /// <summary>Bin index of one value.</summary>
    public int BinOf(int unit, float v) => (int)Math.Clamp(Math.Floor((float)((float)(v - Min[unit]) * Scale[unit])), 0, Bins - 1);

    /// <summary>Adds values counted by fp16 bit pattern (<paramref name="byBits"/>[bits] = how many), folding every
    /// pattern of the unit's range into its bin by <see cref="BinOf"/>, and zeroes those counts for reuse. Counting
    /// bits is one increment per value, far cheaper than binning each value when there are many; the range must
    /// cover [Min, Max] of the unit. Calls for different units may run in parallel.</summary>
    // Optimised at first call: tiered JIT would run the first batches of a dissection on unoptimised code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddCounted(int unit, Span<int> byBits)
    {
        var counts = _counts.AsSpan(unit * Bins, Bins);
        var hiPositive = Max[unit] >= 0 ? Fp16.Round(Max[unit]) : 0;
        var hiNegative = Min[unit] < 0 ? Fp16.Round(Min[unit]) : 0x8000;
        foreach (var (first, last) in new[] { (0, (int)hiPositive), (0x8000, (int)hiNegative) })
            for (var bits = first; bits <= last; bits++)
            {
                var n = byBits[bits];
                if (n == 0) continue;
                counts[BinOf(unit, Fp16.ToFloat((ushort)bits))] += n;
                byBits[bits] = 0;
            }
    }

    public void Merge(HistogramTally other)
    {
        if (!other.Min.AsSpan().SequenceEqual(Min) || !other.Max.AsSpan().SequenceEqual(Max) || other.Bins != Bins)
            throw new ArgumentException("histograms have different ranges");
        for (var i = 0; i < _counts.Length; i++) _counts[i] += other._counts[i];
    }

    /// <summary>Every unit's counts, (units x bins) row-major: what a shard sends (ShardedDissection).</summary>
    public long[] AllCounts => _counts.ToArray();

    /// <summary>Adds the counts of another tally with the same range (<see cref="AllCounts"/> of a shard).</summary>
    public void AddCounts(long[] counts)
    {
        if (counts.Length != _counts.Length) throw new ArgumentException($"expected {_counts.Length} histogram counts, got {counts.Length}");
        for (var i = 0; i < counts.Length; i++) _counts[i] += counts[i];
    }

    public long[] Counts(int unit) => _counts.AsSpan(unit * Bins, Bins).ToArray();
}
