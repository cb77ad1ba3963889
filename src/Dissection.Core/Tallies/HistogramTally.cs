// Per-unit histogram of activations over fixed equal-width bins in [Min, Max]. Mergeable: two tallies with the same
// edges add their counts. Bins are found by comparing with the stored float edges (searchsorted), so a value on an
// edge always lands in the same bin as in a brute-force comparison; values outside [Min, Max] are clamped to the end bins.
using static TorchSharp.torch;

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
        Edges = new float[min.Length * (bins + 1)];
        for (var u = 0; u < min.Length; u++)
            for (var b = 0; b <= bins; b++)
                Edges[u * (bins + 1) + b] = (float)(min[u] + ((double)max[u] - min[u]) * b / bins);
        _counts = new long[min.Length * bins];
    }

    public float[] Min { get; }
    public float[] Max { get; }
    public int Bins { get; }
    public int Units => Min.Length;
    /// <summary>Row-major (units x bins+1).</summary>
    public float[] Edges { get; }

    /// <summary>Bin index of one value, by the same rule as <see cref="Add"/>.</summary>
    public int BinOf(int unit, float v)
    {
        var b = 0;
        for (var i = 1; i < Bins; i++) if (Edges[unit * (Bins + 1) + i] <= v) b = i;
        return b;
    }

    /// <summary>values: (units, n) float32.</summary>
    public void Add(Tensor values)
    {
        using var scope = NewDisposeScope();
        var units = Units;
        if (values.shape[0] != units) throw new ArgumentException($"expected {units} units, got {values.shape[0]}");
        // Inner edges only: searchsorted(right) then counts edges <= v, i.e. the bin index, already clamped to [0, Bins-1].
        var inner = tensor(Edges, [units, Bins + 1]).narrow(1, 1, Bins - 1).contiguous();
        var bin = searchsorted(inner, values.contiguous(), right: true);
        var offset = arange(units, ScalarType.Int64).mul(Bins).unsqueeze(1);
        var counts = bincount(bin.add(offset).flatten(), minlength: units * Bins).cpu();
        var c = counts.data<long>().ToArray();
        for (var i = 0; i < _counts.Length; i++) _counts[i] += c[i];
    }

    public void Merge(HistogramTally other)
    {
        if (!other.Edges.AsSpan().SequenceEqual(Edges)) throw new ArgumentException("histograms have different edges");
        for (var i = 0; i < _counts.Length; i++) _counts[i] += other._counts[i];
    }

    public long[] Counts(int unit) => _counts.AsSpan(unit * Bins, Bins).ToArray();
}
