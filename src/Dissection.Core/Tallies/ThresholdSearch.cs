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
// A pass either (a) counts the inside values into Bins equal-width bins, bin = clamp(floor((v - lo) * scale)), and
// keeps the one bin that holds T, or, once inside <= CollectCap, (b) collects those values and sorts them, which
// gives T exactly. The float boundaries of the kept bin are recovered by bisection with the same float arithmetic,
// so the next pass's comparisons select exactly the values that were counted. Ties at either end of the interval
// (e.g. the zeros after a ReLU) finish the search at once. With Bins = 4096 a unit typically needs one histogram
// pass for a few million values and two for ~10^8. A SeedHistogram filled during the model pass can narrow the
// interval before the first pass (Seed), so that usually a single collecting pass remains.
// The last step can also be done without a pass of its own: once every open unit's interval holds <= CollectCap values,
// the IoU pass collects those values anyway (as deferred pixels) and ResolveDeferred finishes the unit from them.
// Memory per unit: Bins counts + CollectCap floats, independent of N.
//
// Mergeable: a pass's histogram counts (same lo/scale) and collected values from several shards add/concatenate, so
// sharded data reaches the same T as one stream.
using static TorchSharp.torch;

namespace Dissection.Core.Tallies;

internal sealed class ThresholdSearch
{
    private readonly long[] _k, _above, _inside;
    private readonly float[] _lo, _hi, _scale, _threshold;
    private readonly bool[] _done, _collecting, _uncapped;
    private long[]? _counts, _ties;
    private List<float>[]? _collected;
    // Per-pass tensors kept outside any dispose scope; freed in EndPass.
    private Tensor? _countT, _tieT, _loT, _hiT, _scaleT, _offsetT, _collectRows;

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
        _lo = (float[])min.Clone(); _hi = (float[])max.Clone(); _scale = new float[units]; _threshold = new float[units];
        _done = new bool[units]; _collecting = new bool[units]; _uncapped = new bool[units];
        for (var u = 0; u < units; u++)
        {
            var n = count[u];
            _k[u] = Math.Clamp((long)Math.Floor(quantile * n + 1e-9), 0, Math.Max(0, n - 1));
            _inside[u] = n;
            if (n == 0) { _threshold[u] = 0; _done[u] = true; }
            else if (_lo[u] == _hi[u]) { _threshold[u] = _lo[u]; _done[u] = true; }
        }
    }

    /// <summary>
    /// Narrows every unit's interval to the seed-histogram bin that holds T (before any pass). The seed must have
    /// seen exactly the values this search will replay.
    /// </summary>
    public void Seed(SeedHistogram seed)
    {
        if (seed.Units != Units) throw new ArgumentException($"seed has {seed.Units} units, expected {Units}");
        for (var u = 0; u < Units; u++)
        {
            if (_done[u] || seed.Scale[u] == 0) continue;
            var counts = seed.Counts(u);
            float min = _lo[u], max = _hi[u], lo = seed.Lo[u], scale = seed.Scale[u];
            var cum = 0L;
            for (var g = counts.Length - 1; g >= 0; g--)
            {
                var n = counts[g];
                if (cum + n < _k[u] + 1) { cum += n; continue; }
                // Bin g holds raw bin g-1; bins are monotone in v, so each is an interval found by bisection.
                var newLo = g == 0 ? min : Math.Max(min, FirstWithBin(g - 1, min, max, v => SeedHistogram.RawBin(v, lo, scale)));
                var newHi = g == counts.Length - 1 ? max : Math.Min(max, MathF.BitDecrement(FirstWithBin(g, min, max, v => SeedHistogram.RawBin(v, lo, scale))));
                (_lo[u], _hi[u], _above[u], _inside[u]) = (newLo, newHi, cum, n);
                if (newLo == newHi) Finish(u, newLo);
                break;
            }
        }
    }

    /// <summary>Whether a pass is still needed before the open units can be deferred: some unit's interval holds
    /// more than CollectCap values (the deferred pixels of the IoU pass are bounded by CollectCap per unit).</summary>
    public bool NeedsPassBeforeDeferral => Enumerable.Range(0, Units).Any(u => !_done[u] && (_inside[u] > CollectCap || _uncapped[u]));

    public bool IsDone(int unit) => _done[unit];

    /// <summary>An interval known to hold the unit's threshold: values above Hi are above T, values below Lo are not
    /// (for a finished unit, Lo = Hi = T).</summary>
    public (float Lo, float Hi) Bracket(int unit) => _done[unit] ? (_threshold[unit], _threshold[unit]) : (_lo[unit], _hi[unit]);

    /// <summary>Finishes an open unit from exactly the values of its interval [Lo, Hi] (the IoU pass's deferred
    /// pixels); a finished unit is left as it is. The list is not changed.</summary>
    public void ResolveDeferred(int unit, IReadOnlyCollection<float> inside)
    {
        if (_done[unit]) return;
        if (inside.Count != _inside[unit])
            throw new InvalidOperationException($"unit {unit}: data changed between passes ({inside.Count} values in range, expected {_inside[unit]})");
        Resolve(unit, inside.ToList());
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
        var collect = new bool[Units];
        var anyHistogram = false;
        for (var u = 0; u < Units; u++)
        {
            if (_done[u]) continue;
            _collecting[u] = _uncapped[u] || _inside[u] <= CollectCap;
            collect[u] = _collecting[u];
            anyHistogram |= !_collecting[u];
            _scale[u] = Scale(_lo[u], _hi[u]);
        }
        _collected = new List<float>[Units];
        for (var u = 0; u < Units; u++) if (!_done[u] && _collecting[u]) _collected[u] = new List<float>((int)Math.Min(_inside[u], CollectCap));
        _loT = tensor(_lo).unsqueeze(1).DetachFromDisposeScope();
        _hiT = tensor(_hi).unsqueeze(1).DetachFromDisposeScope();
        _collectRows = tensor(collect).unsqueeze(1).DetachFromDisposeScope();
        if (!anyHistogram) return;
        _countT = zeros(Units * Bins + 1, ScalarType.Int64).DetachFromDisposeScope();
        _tieT = zeros(2, Units, ScalarType.Int64).DetachFromDisposeScope();
        _scaleT = tensor(_scale).unsqueeze(1).DetachFromDisposeScope();
        _offsetT = arange(Units, ScalarType.Int64).mul(Bins).unsqueeze(1).DetachFromDisposeScope();
    }

    private float Scale(float lo, float hi) => (float)Math.Min(float.MaxValue, Bins / ((double)hi - lo));

    /// <summary>The bin of one value by exactly the float arithmetic of <see cref="Observe"/> (before clamping).</summary>
    private static double RawBin(float v, float lo, float scale) => Math.Floor((float)((float)(v - lo) * scale));

    /// <summary>values: (units, n) float32, any n; every value of the data must be fed exactly once per pass.</summary>
    public void Observe(Tensor values)
    {
        if (values.shape[0] != Units) throw new ArgumentException($"expected {Units} units, got {values.shape[0]}");
        ObserveRows(values, null);
    }

    /// <summary>Per unit, the lowest value that can still matter this pass (+inf once done): callers may skip any
    /// values below it, e.g. whole maps whose maximum is lower.</summary>
    public float[] Floor => Enumerable.Range(0, Units).Select(u => _done[u] ? float.PositiveInfinity : _lo[u]).ToArray();

    /// <summary>values: (rows, n) float32 where row r belongs to unit rowUnits[r] (int64). Values below
    /// <see cref="Floor"/> may be left out; every other value must be fed exactly once per pass.</summary>
    public void ObserveRows(Tensor values, Tensor? rowUnits)
    {
        // A few rows at a time keeps the int64 temporaries small whatever the batch size.
        var step = (int)Math.Clamp((1L << 22) / Math.Max(1, values.shape[1]), 1, Math.Max(1, values.shape[0]));
        if (values.shape[0] > step)
        {
            for (long first = 0; first < values.shape[0]; first += step)
            {
                using var scope = NewDisposeScope();
                var count = Math.Min(step, values.shape[0] - first);
                ObserveRowChunk(values.narrow(0, first, count), rowUnits?.narrow(0, first, count) ?? arange(first, first + count, ScalarType.Int64));
            }
        }
        else ObserveRowChunk(values, rowUnits);
    }

    private void ObserveRowChunk(Tensor values, Tensor? rowUnits)
    {
        using var scope = NewDisposeScope();
        var v = values.contiguous();
        Tensor PerRow(Tensor perUnit) => rowUnits is null ? perUnit : perUnit.index_select(0, rowUnits);
        var lo = PerRow(_loT!);
        var hi = PerRow(_hiT!);
        var inRange = v.ge(lo).logical_and_(v.le(hi));
        if (_countT is not null)
        {
            var bin = v.sub(lo).mul_(PerRow(_scaleT!)).floor_().clamp_(0, Bins - 1).to_type(ScalarType.Int64).add_(PerRow(_offsetT!));
            var index = where(inRange, bin, tensor((long)Units * Bins));
            _countT.add_(bincount(index.flatten(), minlength: Units * Bins + 1));
            var tiesLo = v.eq(lo).sum(1);
            var tiesHi = v.eq(hi).sum(1);
            if (rowUnits is null) { _tieT![0].add_(tiesLo); _tieT![1].add_(tiesHi); }
            else { _tieT![0].index_add_(0, rowUnits, tiesLo, 1); _tieT![1].index_add_(0, rowUnits, tiesHi, 1); }
        }
        // Collected values come out row-major, i.e. grouped by row; the per-row counts split them.
        var wanted = inRange.logical_and_(PerRow(_collectRows!));
        var perRow = wanted.sum(1).data<long>().ToArray();
        if (perRow.All(c => c == 0)) return;
        var units = rowUnits is null ? null : rowUnits.data<long>().ToArray();
        var picked = v.masked_select(wanted).data<float>().ToArray();
        var at = 0;
        for (var r = 0; r < perRow.Length; r++)
        {
            if (perRow[r] == 0) continue;
            _collected![units is null ? r : (int)units[r]].AddRange(new ArraySegment<float>(picked, at, (int)perRow[r]));
            at += (int)perRow[r];
        }
    }

    public void EndPass()
    {
        Passes++;
        if (_countT is not null)
        {
            _counts = _countT.data<long>().ToArray();
            _ties = _tieT!.data<long>().ToArray();
        }
        foreach (var t in new[] { _countT, _tieT, _loT, _hiT, _scaleT, _offsetT, _collectRows }) t?.Dispose();
        _countT = _tieT = _loT = _hiT = _scaleT = _offsetT = _collectRows = null;

        for (var u = 0; u < Units; u++)
        {
            if (_done[u]) continue;
            if (_collecting[u]) Resolve(u, _collected![u]);
            else Narrow(u);
        }
        _counts = null; _ties = null; _collected = null;
    }

    private void Resolve(int u, List<float> values)
    {
        var rank = _k[u] - _above[u];   // 0-based position from the top within the interval
        if (values.Count <= rank) throw new InvalidOperationException($"unit {u}: data changed between passes ({values.Count} values in range, expected {_inside[u]})");
        values.Sort();
        _threshold[u] = values[values.Count - 1 - (int)rank];
        _done[u] = true;
    }

    private void Narrow(int u)
    {
        float lo = _lo[u], hi = _hi[u];
        long k = _k[u], above = _above[u], inside = _inside[u];
        long tiesLo = _ties![u], tiesHi = _ties[Units + u];
        // Ties at an end of the interval decide T without further passes (e.g. >99 % zeros after a ReLU).
        if (above + tiesHi >= k + 1) { Finish(u, hi); return; }
        if (above + inside - tiesLo <= k) { Finish(u, lo); return; }

        var cum = above;
        for (var b = Bins - 1; b >= 0; b--)
        {
            var n = _counts![u * Bins + b];
            if (cum + n < k + 1) { cum += n; continue; }
            var scale = _scale[u];
            var newLo = b == 0 ? lo : FirstWithBin(b, lo, hi, v => RawBin(v, lo, scale));
            var newHi = b == Bins - 1 ? hi : MathF.BitDecrement(FirstWithBin(b + 1, lo, hi, v => RawBin(v, lo, scale)));
            if (newLo == lo && newHi == hi) _uncapped[u] = true;   // no progress (subnormal spreads only): collect them all
            (_lo[u], _hi[u], _above[u], _inside[u]) = (newLo, newHi, cum, n);
            if (newLo == newHi) Finish(u, newLo);
            return;
        }
        throw new InvalidOperationException($"unit {u}: data changed between passes (fewer values than counted before)");
    }

    private void Finish(int u, float t) { _threshold[u] = t; _done[u] = true; }

    /// <summary>The smallest float v in [lo, hi] whose raw bin is at least b (hi + one step if none).</summary>
    private static float FirstWithBin(int b, float lo, float hi, Func<float, double> rawBin)
    {
        long a = Key(lo), z = Key(hi) + 1;   // the answer is in [a, z]
        while (a < z)
        {
            var mid = a + (z - a) / 2;
            if (rawBin(FromKey(mid)) >= b) z = mid; else a = mid + 1;
        }
        return FromKey(a);
    }

    // Floats mapped to integers in the same order (-0 and +0 share a key), so bisection can walk representable values.
    private static long Key(float f)
    {
        var i = BitConverter.SingleToInt32Bits(f);
        return i >= 0 ? i : -(long)(i & 0x7fffffff);
    }

    private static float FromKey(long k) =>
        k >= 0 ? BitConverter.Int32BitsToSingle((int)k) : BitConverter.Int32BitsToSingle((int)(-k) | int.MinValue);

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
