// Per-unit histogram of activations over fixed equal-width bins in [Min, Max]. Mergeable: two tallies with the same
// range add their counts. bin = clamp(floor((v - Min) * Scale), 0, Bins-1) in float32 arithmetic (BinOf repeats it
// exactly in C#); values outside [Min, Max] are clamped to the end bins.
using System.Numerics;
using static TorchSharp.torch;
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

    /// <summary>Bin index of one value, by exactly the float arithmetic of <see cref="Add"/>.</summary>
    public int BinOf(int unit, float v) => (int)Math.Clamp(Math.Floor((float)((float)(v - Min[unit]) * Scale[unit])), 0, Bins - 1);

    /// <summary>values: (units, n) float32; a few units at a time, to keep the int64 temporaries small.</summary>
    public void Add(Tensor values)
    {
        var units = Units;
        if (values.shape[0] != units) throw new ArgumentException($"expected {units} units, got {values.shape[0]}");
        var step = (int)Math.Clamp((1L << 22) / Math.Max(1, values.shape[1]), 1, units);
        for (var first = 0; first < units; first += step)
        {
            using var scope = NewDisposeScope();
            var count = Math.Min(step, units - first);
            var bin = values.narrow(0, first, count).sub(tensor(Min.AsSpan(first, count).ToArray()).unsqueeze(1))
                .mul_(tensor(Scale.AsSpan(first, count).ToArray()).unsqueeze(1)).floor_().clamp_(0, Bins - 1);
            // The unit offset is added while still float (integers below 2^24 are exact), then one int32 conversion:
            // two fewer full passes than converting to int64 first.
            bin = (long)count * Bins < (1L << 24)
                ? bin.add_(arange(count, ScalarType.Float32).mul_(Bins).unsqueeze(1)).to_type(ScalarType.Int32)
                : bin.to_type(ScalarType.Int64).add_(arange(count, ScalarType.Int64).mul(Bins).unsqueeze(1));
            var c = bincount(bin.flatten(), minlength: count * Bins).data<long>().ToArray();
            for (var i = 0; i < c.Length; i++) _counts[first * Bins + i] += c[i];
        }
    }

    /// <summary>fp16 values (bits) of one unit, by the same float arithmetic as <see cref="BinOf"/>. Calls for
    /// different units may run in parallel.</summary>
    public void Add(int unit, ReadOnlySpan<ushort> values)
    {
        var counts = _counts.AsSpan(unit * Bins, Bins);
        float min = Min[unit], scale = Scale[unit];
        var last = Bins - 1;
        int BinOf(ushort bits)
        {
            var bin = MathF.Floor((Fp16.ToFloat(bits) - min) * scale);
            return bin <= 0 ? 0 : bin >= last ? last : (int)bin;
        }
        // Post-ReLU maps are mostly zeros in runs: whole vectors of +0 are counted at once.
        long zeros = 0;
        var i = 0;
        if (Vector.IsHardwareAccelerated)
            for (; i <= values.Length - Vector<ushort>.Count; i += Vector<ushort>.Count)
            {
                if (new Vector<ushort>(values[i..]) == Vector<ushort>.Zero) { zeros += Vector<ushort>.Count; continue; }
                for (var j = i; j < i + Vector<ushort>.Count; j++) counts[BinOf(values[j])]++;
            }
        for (; i < values.Length; i++) counts[BinOf(values[i])]++;
        if (zeros > 0) counts[BinOf(0)] += zeros;
    }

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

    public long[] Counts(int unit) => _counts.AsSpan(unit * Bins, Bins).ToArray();
}
