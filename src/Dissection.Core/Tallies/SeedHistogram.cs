// A per-unit histogram filled during pass 1 (the model pass), so that the exact threshold search usually starts from a
// narrow bracket and needs no histogram pass over the cache. Its range is fixed from the first batch's per-unit
// [min, max]; values outside land in an underflow or overflow bin, so every bin is still an exact interval of floats
// and the counts stay exact whatever later batches bring. bin = clamp(floor((v - lo) * scale), -1, Bins) + 1.
// Mergeable: shards that share lo/scale add their counts.
using static TorchSharp.torch;

namespace Dissection.Core.Tallies;

internal sealed class SeedHistogram
{
    private readonly long[] _counts;

    public SeedHistogram(float[] lo, float[] hi, int bins = 4096)
    {
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins));
        Bins = bins;
        Lo = (float[])lo.Clone();
        Scale = lo.Select((l, u) => hi[u] > l ? (float)Math.Min(float.MaxValue, bins / ((double)hi[u] - l)) : 0f).ToArray();
        _counts = new long[lo.Length * (bins + 2)];
    }

    public int Bins { get; }
    public int Units => Lo.Length;
    public float[] Lo { get; }
    public float[] Scale { get; }

    /// <summary>Counts per unit: [underflow, bin 0 .. bin Bins-1, overflow].</summary>
    public ReadOnlySpan<long> Counts(int unit) => _counts.AsSpan(unit * (Bins + 2), Bins + 2);

    /// <summary>The unclamped bin of one value by exactly the float arithmetic of <see cref="Add"/>.</summary>
    public static double RawBin(float v, float lo, float scale) => Math.Floor((float)((float)(v - lo) * scale));

    /// <summary>values: (units, n) float32. Works through a few units at a time so that its int64 temporaries stay
    /// small (peak memory must not follow the batch's full upsampled size).</summary>
    public void Add(Tensor values)
    {
        var units = Units;
        var n = Math.Max(1, values.shape[1]);
        var step = (int)Math.Clamp((1L << 22) / n, 1, units);
        for (var first = 0; first < units; first += step)
        {
            using var scope = NewDisposeScope();
            var count = Math.Min(step, units - first);
            var index = values.narrow(0, first, count).sub(tensor(Lo.AsSpan(first, count).ToArray()).unsqueeze(1))
                .mul_(tensor(Scale.AsSpan(first, count).ToArray()).unsqueeze(1)).floor_().clamp_(-1, Bins);
            // Offsets added in float while exact (< 2^24), then one int32 conversion instead of int64 arithmetic.
            index = (long)count * (Bins + 2) < (1L << 24)
                ? index.add_(arange(count, ScalarType.Float32).mul_(Bins + 2).add_(1).unsqueeze(1)).to_type(ScalarType.Int32)
                : index.to_type(ScalarType.Int64).add_(arange(count, ScalarType.Int64).mul(Bins + 2).add(1).unsqueeze(1));
            var c = bincount(index.flatten(), minlength: count * (Bins + 2)).data<long>().ToArray();
            var offset = first * (Bins + 2);
            for (var i = 0; i < c.Length; i++) _counts[offset + i] += c[i];
        }
    }

    /// <summary>values: (rows, n) float32 where row r belongs to unit rowUnits[r]; lets the model pass histogram only
    /// the maps that can reach a unit's range and count the others with <see cref="AddBelow"/>.</summary>
    public void AddRows(Tensor values, long[] rowUnits)
    {
        if (values.shape[0] != rowUnits.Length) throw new ArgumentException("one unit per row is needed");
        var rows = rowUnits.Length;
        var step = (int)Math.Clamp((1L << 22) / Math.Max(1, values.shape[1]), 1, Math.Max(1, rows));
        using var outer = NewDisposeScope();
        var lo = tensor(Lo);
        var scale = tensor(Scale);
        var offset = arange(Units, ScalarType.Int64).mul(Bins + 2).add(1);
        for (var first = 0; first < rows; first += step)
        {
            using var scope = NewDisposeScope();
            var count = Math.Min(step, rows - first);
            var units = tensor(rowUnits.AsSpan(first, count).ToArray());
            var index = values.narrow(0, first, count).sub(lo.index_select(0, units).unsqueeze(1))
                .mul_(scale.index_select(0, units).unsqueeze(1)).floor_().clamp_(-1, Bins);
            index = _counts.Length < (1 << 24)
                ? index.add_(offset.index_select(0, units).to_type(ScalarType.Float32).unsqueeze(1)).to_type(ScalarType.Int32)
                : index.to_type(ScalarType.Int64).add_(offset.index_select(0, units).unsqueeze(1));
            var c = bincount(index.flatten(), minlength: _counts.Length).data<long>().ToArray();
            for (var i = 0; i < c.Length; i++) _counts[i] += c[i];
        }
    }

    /// <summary>Counts values known to lie below <see cref="Lo"/> (underflow) without looking at them.</summary>
    public void AddBelow(long[] perUnit)
    {
        if (perUnit.Length != Units) throw new ArgumentException($"expected {Units} units, got {perUnit.Length}");
        for (var u = 0; u < Units; u++) _counts[u * (Bins + 2)] += perUnit[u];
    }

    public void Merge(SeedHistogram other)
    {
        if (!other.Lo.AsSpan().SequenceEqual(Lo) || !other.Scale.AsSpan().SequenceEqual(Scale)) throw new ArgumentException("seed histograms differ in range");
        for (var i = 0; i < _counts.Length; i++) _counts[i] += other._counts[i];
    }
}
