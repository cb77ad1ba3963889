// The exact per-unit top-q level, found with bounded memory by narrowing passes over replayable data (the activation
// cache), instead of an approximate streaming sketch.
//
// Definition. For a unit with N values and quantile q, let k = floor(q*N) (clamped to [0, N-1]). The threshold is
// T = the (k+1)-th largest value, i.e. the smallest value with #{v > T} <= k. A mask "v > T" then covers exactly
// k values when there are no ties at T, and never more than k.
//
// ERROR BOUND: rank error 0. The returned T is exactly that order statistic of the values fed in (the values the
// caller feeds, e.g. fp16-rounded raw maps upsampled in float32 - the same values the IoU pass compares). This is
// checked against a full sort in ThresholdSearchTests on random, heavily tied and heavy-tailed data.
//
// How. Each unit keeps an interval [lo, hi] known to contain T, with `above` = #{v > hi} and `inside` = #{lo<=v<=hi}.
// A pass either (a) counts `inside` values into Bins equal-width bins and keeps the one bin that holds T, or, once
// inside <= CollectCap, (b) collects those values and sorts them, which gives T exactly. Edges are strictly
// increasing floats, so every histogram pass shrinks the interval; with Bins = 4096 a unit typically needs one
// histogram pass for a few million values per unit and two for ~10^8. Memory per unit: Bins counts + CollectCap
// floats, independent of N.
//
// Mergeable: a pass's histogram counts (same edges) and collected values from several shards add/concatenate, so
// sharded data reaches the same T as one stream.
using static TorchSharp.torch;

namespace Dissection.Core.Tallies;

internal sealed class ThresholdSearch
{
    private readonly long[] _k, _above, _inside;
    private readonly float[] _lo, _hi, _threshold;
    private readonly bool[] _done;
    private readonly bool[] _collecting;
    private long[]? _counts;
    private float[]? _edges;
    // Per-pass tensors kept outside any dispose scope; freed in EndPass.
    private Tensor? _countTensor, _loT, _hiT, _innerT, _offsetT;
    private List<float>[]? _collected;

    /// <param name="count">Values per unit over the whole data (N).</param>
    /// <param name="min">Exact per-unit minimum of the values.</param>
    /// <param name="max">Exact per-unit maximum of the values.</param>
    public ThresholdSearch(double quantile, long[] count, float[] min, float[] max, int bins = 4096, int collectCap = 8192)
    {
        if (!(quantile > 0 && quantile < 1)) throw new ArgumentOutOfRangeException(nameof(quantile), "quantile must be in (0, 1)");
        if (bins < 2) throw new ArgumentOutOfRangeException(nameof(bins));
        if (collectCap < 1) throw new ArgumentOutOfRangeException(nameof(collectCap));
        var units = count.Length;
        Units = units;
        Bins = bins;
        CollectCap = collectCap;
        _k = new long[units]; _above = new long[units]; _inside = new long[units];
        _lo = (float[])min.Clone(); _hi = (float[])max.Clone(); _threshold = new float[units];
        _done = new bool[units]; _collecting = new bool[units];
        for (var u = 0; u < units; u++)
        {
            var n = count[u];
            _k[u] = Math.Clamp((long)Math.Floor(quantile * n + 1e-9), 0, Math.Max(0, n - 1));
            _inside[u] = n;
            if (n == 0) { _threshold[u] = 0; _done[u] = true; }
            else if (_lo[u] == _hi[u]) { _threshold[u] = _lo[u]; _done[u] = true; }
        }
    }

    public int Units { get; }
    public int Bins { get; }
    public int CollectCap { get; }
    public int Passes { get; private set; }
    public bool Done => _done.All(d => d);
    /// <summary>Valid once <see cref="Done"/>.</summary>
    public float[] Thresholds => _threshold;

    public void BeginPass()
    {
        _counts = null; _edges = null; _collected = null;
        var anyHistogram = false;
        for (var u = 0; u < Units; u++)
        {
            if (_done[u]) continue;
            _collecting[u] = _inside[u] <= CollectCap;
            anyHistogram |= !_collecting[u];
        }
        _collected = new List<float>[Units];
        for (var u = 0; u < Units; u++) if (!_done[u] && _collecting[u]) _collected[u] = new List<float>((int)_inside[u]);
        if (!anyHistogram) return;
        _edges = new float[Units * (Bins + 1)];
        for (var u = 0; u < Units; u++)
        {
            var e = _edges.AsSpan(u * (Bins + 1), Bins + 1);
            float lo = _lo[u], hi = _hi[u];
            e[0] = lo;
            for (var b = 1; b < Bins; b++)
            {
                var x = (float)(lo + ((double)hi - lo) * b / Bins);
                // Strictly increasing up to hi, so a bin never equals the whole interval and each pass makes progress.
                e[b] = Math.Min(hi, Math.Max(x, MathF.BitIncrement(e[b - 1])));
            }
            e[Bins] = hi;
        }
        _countTensor = zeros(Units * Bins + 1, ScalarType.Int64).DetachFromDisposeScope();
        _loT = tensor(_lo).unsqueeze(1).DetachFromDisposeScope();
        _hiT = tensor(_hi).unsqueeze(1).DetachFromDisposeScope();
        _innerT = tensor(_edges, [Units, Bins + 1]).narrow(1, 1, Bins - 1).contiguous().DetachFromDisposeScope();
        _offsetT = arange(Units, ScalarType.Int64).mul(Bins).unsqueeze(1).DetachFromDisposeScope();
    }

    /// <summary>values: (units, n) float32, any n; every value of the data must be fed exactly once per pass.</summary>
    public void Observe(Tensor values)
    {
        if (values.shape[0] != Units) throw new ArgumentException($"expected {Units} units, got {values.shape[0]}");
        using var scope = NewDisposeScope();
        var v = values.contiguous();
        if (_countTensor is not null)
        {
            var index = searchsorted(_innerT!, v, right: true).add_(_offsetT!);
            var inRange = v.ge(_loT!).logical_and_(v.le(_hiT!));
            index = where(inRange, index, tensor((long)Units * Bins));
            _countTensor.add_(bincount(index.flatten(), minlength: Units * Bins + 1));
        }
        for (var u = 0; u < Units; u++)
        {
            if (_done[u] || !_collecting[u]) continue;
            var row = v[u];
            var sel = row.masked_select(row.ge(_lo[u]).logical_and(row.le(_hi[u])));
            if (sel.numel() > 0) _collected![u].AddRange(sel.data<float>().ToArray());
        }
    }

    public void EndPass()
    {
        Passes++;
        if (_countTensor is not null)
        {
            _counts = _countTensor.data<long>().ToArray();
            foreach (var t in new[] { _countTensor, _loT, _hiT, _innerT, _offsetT }) t?.Dispose();
            _countTensor = _loT = _hiT = _innerT = _offsetT = null;
        }
        for (var u = 0; u < Units; u++)
        {
            if (_done[u]) continue;
            if (_collecting[u])
            {
                var vals = _collected![u];
                var rank = _k[u] - _above[u];   // 0-based position from the top within the interval
                if (vals.Count <= rank) throw new InvalidOperationException($"unit {u}: data changed between passes ({vals.Count} values in range, expected {_inside[u]})");
                vals.Sort();
                _threshold[u] = vals[vals.Count - 1 - (int)rank];
                _done[u] = true;
                continue;
            }
            var cum = _above[u];
            var found = false;
            for (var b = Bins - 1; b >= 0; b--)
            {
                var n = _counts![u * Bins + b];
                if (cum + n < _k[u] + 1) { cum += n; continue; }
                var e = _edges.AsSpan(u * (Bins + 1), Bins + 1);
                _lo[u] = e[b];
                _hi[u] = b == Bins - 1 ? _hi[u] : MathF.BitDecrement(e[b + 1]);
                _above[u] = cum;
                _inside[u] = n;
                found = true;
                break;
            }
            if (!found) throw new InvalidOperationException($"unit {u}: data changed between passes (fewer values than counted before)");
            if (_lo[u] == _hi[u]) { _threshold[u] = _lo[u]; _done[u] = true; }
        }
        _counts = null; _edges = null; _collected = null;
    }

    /// <summary>Runs passes until done; <paramref name="replay"/> feeds the whole data once per call.</summary>
    public float[] Run(Action<Action<Tensor>> replay)
    {
        while (!Done)
        {
            BeginPass();
            replay(Observe);
            EndPass();
        }
        return Thresholds;
    }
}
