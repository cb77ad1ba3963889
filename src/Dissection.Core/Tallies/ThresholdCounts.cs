// The exact per-unit top-q level from per-key counts of fp16 values (Fp16): no sketch, no sorting, no bracket.
//
// Definition. For a unit with N values and quantile q, let k = floor(q*N) (clamped to [0, N-1]). The threshold is
// T = the (k+1)-th largest value, so #{v > T} <= k, with equality when nothing ties at T.
// ERROR BOUND: rank error 0 over the fp16-rounded values that the mask test compares (ThresholdCountsTests checks it
// against a full sort on random, tied, sparse and heavy-tailed data).
//
// How. Each unit counts keys in a window [Lo, Hi) in bins of 2^Shift keys, plus how many values fell below it. The
// model pass opens the window at a floor (a level the first batch puts well under T) with Shift 0, so every key at or
// above the floor has its own count and T is read off directly, and maps that cannot reach the floor are counted
// below it wholesale, without being upsampled. Values far below T never need a key.
// As the model pass goes on, each unit's floor rises to the level its data so far puts well under T (RaiseFloor),
// which keeps the pixels to compute near the top. If the data puts T under the floor after all, Resolve opens a window
// below it: coarse bins (at most MaxBins) for one pass over the cache, then single keys within the one coarse bin
// that holds T: at most two extra passes, exact.
// Memory per unit: the keys between the floor and the largest value (at most 65,536 counts), not the dataset size.
// Thread safety: calls for different units may run in parallel.
using System.Runtime.CompilerServices;

namespace Dissection.Core.Tallies;

internal sealed class ThresholdCounts
{
    public const int MaxBins = 4096;

    private readonly Window[] _units;

    private sealed class Window(int lo, int hi, int shift, long above)
    {
        public readonly int Lo = lo, Hi = hi, Shift = shift;
        /// <summary>Values known to lie at or above Hi (from earlier windows); not counted again.</summary>
        public readonly long Above = above;
        public readonly float LoCut = Fp16.SmallestRoundingToKey(lo), HiCut = Fp16.SmallestRoundingToKey(hi);
        public long[] Counts = [];   // grown on demand (Grow), up to one count per bin of the window
        public long Below;
        public int Threshold = -1;   // the key of T once known
    }

    /// <param name="floorKeys">Per unit, the key of the model pass's floor.</param>
    public ThresholdCounts(int[] floorKeys) => _units = floorKeys.Select(f => new Window(f, Fp16.Keys, 0, 0)).ToArray();

    public int Units => _units.Length;
    /// <summary>Values below this float round to a key below the window: callers skip them without keying.</summary>
    public float LowCut(int unit) => _units[unit].LoCut;
    public bool IsResolved(int unit) => _units[unit].Threshold >= 0;
    /// <summary>The key of the unit's threshold; only once resolved.</summary>
    public int ThresholdKey(int unit) => _units[unit].Threshold >= 0 ? _units[unit].Threshold
        : throw new InvalidOperationException($"the threshold of unit {unit} is not known yet");

    /// <summary>Counts float values (rounded to fp16 here). Values below the window go to the below count; values at
    /// or above its top were counted by an earlier window and are ignored.</summary>
    // Optimised at first call: tiered JIT would run the first batches of a dissection on unoptimised code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(int unit, ReadOnlySpan<float> values)
    {
        var w = _units[unit];
        if (w.Threshold >= 0) return;
        float lo = w.LoCut, hi = w.HiCut;
        long below = 0;
        foreach (var v in values)
        {
            if (v < lo) { below++; continue; }
            if (v >= hi) continue;
            var index = (Fp16.KeyOf(v) - w.Lo) >> w.Shift;
            if (index >= w.Counts.Length) Grow(w, index);
            w.Counts[index]++;
        }
        w.Below += below;
    }

    /// <summary>Raises a unit's pass-1 floor to the level that <paramref name="rank"/> values lie above so far, when that
    /// is higher: the counts under it move to the below count, so later maps compute and count fewer pixels. Exact
    /// whatever follows (if later data puts T under the raised floor, Resolve opens a window below it).</summary>
    public void RaiseFloor(int unit, long rank)
    {
        var w = _units[unit];
        if (w.Threshold >= 0 || w.Shift != 0 || w.Hi != Fp16.Keys || w.Above != 0) return;
        long seen = 0;
        var found = -1;
        for (var i = w.Counts.Length - 1; i > 0; i--)
        {
            seen += w.Counts[i];
            if (seen > rank) { found = i; break; }
        }
        if (found <= 0) return;
        // Shift the counts down in place: no new array per unit and batch (that churn grew the managed heap).
        var below = w.Below;
        for (var i = 0; i < found; i++) below += w.Counts[i];
        var counts = w.Counts;
        Array.Copy(counts, found, counts, 0, counts.Length - found);
        Array.Clear(counts, counts.Length - found, found);
        _units[unit] = new Window(w.Lo + found, w.Hi, 0, 0) { Below = below, Counts = counts };
    }

    /// <summary>Counts values known to lie below the window without looking at them.</summary>
    public void AddBelow(int unit, long n) => _units[unit].Below += n;

    private static void Grow(Window w, int index)
    {
        var full = ((w.Hi - w.Lo - 1) >> w.Shift) + 1;
        Array.Resize(ref w.Counts, Math.Min(full, Math.Max(index + 1, Math.Max(256, w.Counts.Length * 2))));
    }

    // ---- Shards (Dissection/DissectionShard, ShardedDissection): each shard counts its own images in its own
    // window; the coordinator merges them at the highest floor and resolves; a window below it is counted by every
    // shard again with the coordinator's windows (Windows, FromWindows), and the counts of equal windows add.

    /// <summary>A unit's window as the coordinator hands it to the shards (Threshold >= 0: resolved, nothing to count).</summary>
    internal readonly record struct WindowState(int Lo, int Hi, int Shift, int Threshold);

    public WindowState[] Windows() => _units.Select(w => new WindowState(w.Lo, w.Hi, w.Shift, w.Threshold)).ToArray();

    /// <summary>Empty counts in the given windows (a shard's window pass).</summary>
    public static ThresholdCounts FromWindows(WindowState[] windows)
    {
        var units = windows.Select(w => new Window(w.Lo, w.Hi, w.Shift, 0) { Threshold = w.Threshold }).ToArray();
        return new ThresholdCounts(units);
    }

    private ThresholdCounts(Window[] units) => _units = units;

    /// <summary>A unit's window: its lowest key, its counts (index = (key - Lo) >> Shift) and the values below it.</summary>
    public (int Lo, long[] Counts, long Below) Snapshot(int unit) => (_units[unit].Lo, _units[unit].Counts.ToArray(), _units[unit].Below);

    /// <summary>Merges pass-1 snapshots of disjoint image sets (each a window [Lo, top) of single keys): the merged window
    /// starts at the highest floor; each shard's counts under it move to the below count. Exact: Resolve opens a window
    /// below the merged floor when T lies there, and the shards count it (FromWindows).</summary>
    public static ThresholdCounts Merge(IReadOnlyList<(int Lo, long[] Counts, long Below)[]> shards)
    {
        if (shards.Count == 0) throw new ArgumentException("no shards to merge");
        var units = shards[0].Length;
        var merged = new Window[units];
        for (var u = 0; u < units; u++)
        {
            var lo = shards.Max(s => s[u].Lo);
            var counts = new long[Math.Max(0, shards.Max(s => s[u].Lo + s[u].Counts.Length) - lo)];
            long below = 0;
            foreach (var shard in shards)
            {
                var (from, c, b) = shard[u];
                below += b;
                for (var i = 0; i < c.Length; i++)
                    if (from + i >= lo) counts[from + i - lo] += c[i];
                    else below += c[i];
            }
            merged[u] = new Window(lo, Fp16.Keys, 0, 0) { Counts = counts, Below = below };
        }
        return new ThresholdCounts(merged);
    }

    /// <summary>Adds a shard's counts of the same window (its <see cref="Snapshot"/> after a window pass).</summary>
    public void AddCounts(int unit, long[] counts, long below)
    {
        var w = _units[unit];
        if (w.Threshold >= 0) return;
        if (counts.Length > w.Counts.Length) Array.Resize(ref w.Counts, counts.Length);
        for (var i = 0; i < counts.Length; i++) w.Counts[i] += counts[i];
        w.Below += below;
    }

    /// <summary>After a pass: finds T for every unit whose window holds it. A unit whose T lies below its window gets a
    /// new window under it, from <paramref name="lowestKey"/> (a key no value is below). Returns whether another pass
    /// is needed. <paramref name="total"/> is N per unit.</summary>
    public bool Resolve(double quantile, long[] total, int[] lowestKey)
    {
        var more = false;
        for (var u = 0; u < _units.Length; u++)
        {
            var w = _units[u];
            if (w.Threshold >= 0) continue;
            var n = total[u];
            if (n <= 0) throw new InvalidOperationException($"unit {u} has no values");
            var k = Math.Clamp((long)Math.Floor(quantile * n + 1e-9), 0, n - 1);
            var seen = w.Above;
            var found = -1;
            for (var i = w.Counts.Length - 1; i >= 0 && found < 0; i--)
            {
                seen += w.Counts[i];
                if (seen > k) found = i;
            }
            if (found >= 0 && w.Shift == 0) { w.Threshold = w.Lo + found; continue; }
            if (found >= 0)
            {
                // T is inside one coarse bin: count its keys one by one next pass.
                var binLo = w.Lo + (found << w.Shift);
                _units[u] = new Window(binLo, Math.Min(w.Hi, binLo + (1 << w.Shift)), 0, seen - w.Counts[found]);
                more = true;
                continue;
            }
            // T is below the window.
            var lowest = Math.Min(lowestKey[u], w.Lo - 1);
            if (lowest == w.Lo - 1) { w.Threshold = lowest; continue; }   // one key left: every value below is equal
            var span = w.Lo - lowest;
            var shift = 0;
            while ((span - 1 >> shift) + 1 > MaxBins) shift++;
            _units[u] = new Window(lowest, w.Lo, shift, seen);
            more = true;
        }
        return more;
    }
}
