// Bilinear upsampling of one activation map to the segmentation grid, in plain C# for the dissection's hot loops and
// for rendering (Rendering/Upsampler wraps it), so that tallies and pictures use one rule, bit for bit.
// Rule (the PNAS code's): per axis, target pixel t samples source x = (t + 0.5) * h / H - 0.5 (pixel centres aligned);
// value = (1 - f) * a[i] + f * a[i + 1] with i = floor(x), f = x - i, and a[-1] = a[h] = 0 (ZERO padding, so the
// outer half-pixel blends toward 0 instead of replicating the border). Columns first, then rows. Each output is
// computed by the same float32 operations in the same order wherever it is computed, so the result of a map does not
// depend on which other maps are upsampled with it (the torch matmul version cannot promise that).
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Dissection.Core.Tallies;

internal sealed class MapUpsampler : IMapUpsampler
{
    /// <summary>The two source neighbours of a target pixel along one axis and their weights.</summary>
    internal readonly record struct Tap(int Index, float Weight0, float Weight1);

    private readonly Tap[] _columns, _rows;

    public MapUpsampler(int h, int w, int height, int width)
    {
        if (h <= 0 || w <= 0 || height <= 0 || width <= 0)
            throw new ArgumentException($"sizes must be positive: map {h}x{w}, target {height}x{width}");
        (H, W, Height, Width) = (h, w, height, width);
        _columns = Taps(w, width);
        _rows = Taps(h, height);
    }

    public int H { get; }
    public int W { get; }
    public int Height { get; }
    public int Width { get; }
    /// <summary>Floats of scratch that <see cref="Apply"/> needs (<see cref="Above"/> needs Width more).</summary>
    public int ScratchLength => H * Width;

    internal static Tap[] Taps(int source, int target)
    {
        var taps = new Tap[target];
        var scale = (double)target / source;
        for (var t = 0; t < target; t++)
        {
            var x = (t + 0.5) / scale - 0.5;
            var i = (int)Math.Floor(x);
            var f = (float)(x - i);
            taps[t] = new Tap(i, 1f - f, f);
        }
        return taps;
    }

    /// <summary>Upsamples a row-major H x W map into <paramref name="result"/> (Height x Width).</summary>
    public void Apply(ReadOnlySpan<float> map, Span<float> scratch, Span<float> result)
    {
        if (map.Length != H * W) throw new ArgumentException($"map has {map.Length} values, expected {H}x{W}");
        var wide = scratch[..ScratchLength];
        var output = result[..(Height * Width)];
        for (var y = 0; y < H; y++)
        {
            var src = map.Slice(y * W, W);
            var row = wide.Slice(y * Width, Width);
            for (var x = 0; x < Width; x++) row[x] = Sample(src, _columns[x]);
        }
        for (var y = 0; y < Height; y++)
        {
            var t = _rows[y];
            bool has0 = t.Index >= 0, has1 = t.Index + 1 < H;
            var dst = output.Slice(y * Width, Width);
            var r0 = has0 ? wide.Slice(t.Index * Width, Width) : default;
            var r1 = has1 ? wide.Slice((t.Index + 1) * Width, Width) : default;
            Blend(dst, r0, t.Weight0, has0, r1, t.Weight1, has1);
        }
    }

    /// <summary>The output pixels whose value is at or above <paramref name="cut"/>, with those values, exactly as
    /// <see cref="Apply"/> computes them (the same float operations), without computing the rest: an output row
    /// blends two source rows with weights >= 0 that sum to <= 1, so it can only reach a positive cut if one of those
    /// rows holds a value that does; only such rows are interpolated. The float rounding of the blend is far below an fp16 step, so for cuts taken from fp16 keys
    /// (Fp16.SmallestRoundingToKey) the skipped pixels are exactly those below the cut. Top activations are ~1 % of a
    /// layer's values, so this visits a small part of each map. Returns how many pixels were written to
    /// <paramref name="pixels"/> (row-major indices) and <paramref name="values"/>.</summary>
    // Optimised at first call: tiered JIT would run the first batches of a dissection on unoptimised code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Above(ReadOnlySpan<ushort> map, float cut, Span<int> pixels, Span<float> values, Span<bool> hot, Span<float> scratch)
    {
        if (map.Length != H * W) throw new ArgumentException($"map has {map.Length} values, expected {H}x{W}");
        if (!(cut > 0))
        {
            // The zero padding itself reaches a cut <= 0: compute every pixel (rare: thresholds at or below 0).
            var raw = new float[map.Length];
            for (var i = 0; i < raw.Length; i++) raw[i] = Fp16.ToFloat(map[i]);
            Apply(raw, new float[ScratchLength], values);
            var m = 0;
            for (var p = 0; p < Height * Width; p++)
                if (values[p] >= cut) { pixels[m] = p; values[m++] = values[p]; }
            return m;
        }
        // A source value reaches the cut iff its bits, read as a signed short, reach those of the smallest fp16 at
        // or above it (positive fp16 values order like their bits; negative ones read as negative shorts).
        var key = Fp16.KeyOf(cut);
        if (Fp16.Value(key) < cut) key++;
        var cutBits = (short)(key & 0x7FFF);
        var hotRows = hot[..H];
        var any = false;
        var shorts = MemoryMarshal.Cast<ushort, short>(map);
        for (var y = 0; y < H; y++)
        {
            var rowHot = ReachesAny(shorts.Slice(y * W, W), cutBits);
            hotRows[y] = rowHot;
            any |= rowHot;
        }
        if (!any) return 0;
        // Only output rows next to a hot source row can reach the cut. Their source rows are column-interpolated once
        // (in increasing order, so 'widened' says how far 'wide' is filled), then each row is blended whole
        // (vectorised) and scanned for the cut.
        var wide = scratch[..ScratchLength];
        var row = scratch.Slice(ScratchLength, Width);
        var widened = -1;
        var n = 0;
        for (var y = 0; y < Height; y++)
        {
            var t = _rows[y];
            bool has0 = t.Index >= 0, has1 = t.Index + 1 < H;
            if (!(has0 && hotRows[t.Index]) && !(has1 && hotRows[t.Index + 1])) continue;
            for (var s = Math.Max(widened + 1, Math.Max(0, t.Index)); s <= Math.Min(H - 1, t.Index + 1); s++)
            {
                var src = map.Slice(s * W, W);
                var w = wide.Slice(s * Width, Width);
                for (var x = 0; x < Width; x++) w[x] = Sample(src, _columns[x]);
                widened = s;
            }
            var r0 = has0 ? wide.Slice(t.Index * Width, Width) : default;
            var r1 = has1 ? wide.Slice((t.Index + 1) * Width, Width) : default;
            Blend(row, r0, t.Weight0, has0, r1, t.Weight1, has1);
            for (var x = 0; x < Width; x++)
            {
                if (row[x] < cut) continue;
                pixels[n] = y * Width + x;
                values[n++] = row[x];
            }
        }
        return n;
    }

    /// <summary>Whether any value is >= <paramref name="cut"/>, a vector at a time.</summary>
    private static bool ReachesAny(ReadOnlySpan<short> values, short cut)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var c = new Vector<short>(cut);
            for (; i <= values.Length - Vector<short>.Count; i += Vector<short>.Count)
                if (Vector.GreaterThanOrEqualAny(new Vector<short>(values[i..]), c)) return true;
        }
        for (; i < values.Length; i++) if (values[i] >= cut) return true;
        return false;
    }

    /// <summary><see cref="Sample(ReadOnlySpan{float}, Tap)"/> on fp16 bits: the same float operations.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Sample(ReadOnlySpan<ushort> a, Tap t)
    {
        var v = 0f;
        if (t.Index >= 0 && t.Index < a.Length) v += t.Weight0 * Fp16.ToFloat(a[t.Index]);
        if (t.Index + 1 >= 0 && t.Index + 1 < a.Length) v += t.Weight1 * Fp16.ToFloat(a[t.Index + 1]);
        return v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Sample(ReadOnlySpan<float> a, Tap t)
    {
        var v = 0f;
        if (t.Index >= 0 && t.Index < a.Length) v += t.Weight0 * a[t.Index];
        if (t.Index + 1 >= 0 && t.Index + 1 < a.Length) v += t.Weight1 * a[t.Index + 1];
        return v;
    }

    /// <summary>dst = (has0 ? w0 * r0 : 0) + (has1 ? w1 * r1 : 0), vectorised; the same float operations per element
    /// as the scalar tail, so the result does not depend on the vector width.</summary>
    // Optimised at first call: tiered JIT would run the first batches of a dissection on unoptimised code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Blend(Span<float> dst, ReadOnlySpan<float> r0, float w0, bool has0, ReadOnlySpan<float> r1, float w1, bool has1)
    {
        var n = dst.Length;
        var x = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            var v0 = new Vector<float>(w0);
            var v1 = new Vector<float>(w1);
            for (; x <= n - Vector<float>.Count; x += Vector<float>.Count)
            {
                var a = has0 ? v0 * new Vector<float>(r0[x..]) : Vector<float>.Zero;
                var b = has1 ? v1 * new Vector<float>(r1[x..]) : Vector<float>.Zero;
                (a + b).CopyTo(dst[x..]);
            }
        }
        for (; x < n; x++) dst[x] = (has0 ? w0 * r0[x] : 0f) + (has1 ? w1 * r1[x] : 0f);
    }
}
