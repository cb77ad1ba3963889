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
                .mul_(tensor(Scale.AsSpan(first, count).ToArray()).unsqueeze(1)).floor_().clamp_(-1, Bins)
                .to_type(ScalarType.Int64).add_(arange(count, ScalarType.Int64).mul(Bins + 2).add(1).unsqueeze(1));
            var c = bincount(index.flatten(), minlength: count * (Bins + 2)).data<long>().ToArray();
            var offset = first * (Bins + 2);
            for (var i = 0; i < c.Length; i++) _counts[offset + i] += c[i];
        }
    }

    public void Merge(SeedHistogram other)
    {
        if (!other.Lo.AsSpan().SequenceEqual(Lo) || !other.Scale.AsSpan().SequenceEqual(Scale)) throw new ArgumentException("seed histograms differ in range");
        for (var i = 0; i < _counts.Length; i++) _counts[i] += other._counts[i];
    }
}
