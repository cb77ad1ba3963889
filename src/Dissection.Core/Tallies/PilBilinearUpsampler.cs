// CVPR17's upsampling rule (MethodRules.Upsampling = PilBilinear): what NetDissect-Lite's tally does with
// scipy.misc.imresize(map, (sh, sw), mode='F'), i.e. PIL's Image.resize(BILINEAR) of a float32 image (Pillow's
// Resample.c: precompute_coeffs, ImagingResampleHorizontal/Vertical_32bpc). Per axis, output t has centre
// c = (t + 0.5) * in / out; source pixels i with |i + 0.5 - c| < s (s = max(1, in / out)) get weight 1 - |i + 0.5 - c| / s,
// weights are normalised to sum 1 in double, so at the borders the window is cut and the edge value is clamped (no
// zero padding). Each output sums its taps in double in increasing source order and is stored as float32; columns
// first (over the source rows), then rows. The result is not rounded to fp16: the mask is float32 value > T.
using System.Runtime.CompilerServices;

namespace Dissection.Core.Tallies;

internal sealed class PilBilinearUpsampler : IMapUpsampler
{
    /// <summary>One output's source window along an axis: the first source index and its normalised weights.</summary>
    internal readonly record struct Window(int First, double[] Weights);

    private readonly Window[] _columns, _rows;

    public PilBilinearUpsampler(int h, int w, int height, int width)
    {
        if (h <= 0 || w <= 0 || height <= 0 || width <= 0)
            throw new ArgumentException($"sizes must be positive: map {h}x{w}, target {height}x{width}");
        (H, W, Height, Width) = (h, w, height, width);
        _columns = Windows(w, width);
        _rows = Windows(h, height);
    }

    public int H { get; }
    public int W { get; }
    public int Height { get; }
    public int Width { get; }
    public int ScratchLength => H * Width;

    /// <summary>Pillow's precompute_coeffs for the bilinear filter (support 1), box = (0, in).</summary>
    internal static Window[] Windows(int inSize, int outSize)
    {
        var windows = new Window[outSize];
        double scale = (double)inSize / outSize, filterScale = Math.Max(1.0, scale);
        var support = 1.0 * filterScale;
        for (var t = 0; t < outSize; t++)
        {
            var center = (t + 0.5) * scale;
            var ss = 1.0 / filterScale;
            var xmin = Math.Max(0, (int)(center - support + 0.5));   // C's (int) truncates toward zero, as C# does
            var xmax = Math.Min((int)(center + support + 0.5), inSize) - xmin;
            var k = new double[Math.Max(0, xmax)];
            double ww = 0;
            for (var x = 0; x < k.Length; x++)
            {
                var d = Math.Abs((x + xmin - center + 0.5) * ss);
                k[x] = d < 1.0 ? 1.0 - d : 0.0;
                ww += k[x];
            }
            if (ww != 0.0) for (var x = 0; x < k.Length; x++) k[x] /= ww;
            windows[t] = new Window(xmin, k);
        }
        return windows;
    }

    /// <summary>Upsamples a row-major H x W float map into <paramref name="result"/> (Height x Width).</summary>
    public void Apply(ReadOnlySpan<float> map, Span<float> result)
    {
        if (map.Length != H * W) throw new ArgumentException($"map has {map.Length} values, expected {H}x{W}");
        var wide = new float[H * Width];
        for (var y = 0; y < H; y++)
            for (var x = 0; x < Width; x++) wide[y * Width + x] = Horizontal(map.Slice(y * W, W), _columns[x]);
        for (var y = 0; y < Height; y++)
            for (var x = 0; x < Width; x++) result[y * Width + x] = Vertical(wide, _rows[y], x);
    }

    // The output is a convex combination of the source values its windows cover, summed in double and rounded to
    // float32, so it never exceeds their maximum: only output rows whose window holds a source row with a value at or
    // above the cut can reach it. This holds for any cut (no padding), but the fp16 bit test of hot rows needs cut > 0.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Above(ReadOnlySpan<ushort> map, float cut, Span<int> pixels, Span<float> values, Span<bool> hot, Span<float> scratch)
    {
        if (map.Length != H * W) throw new ArgumentException($"map has {map.Length} values, expected {H}x{W}");
        var hotRows = hot[..H];
        var any = false;
        for (var y = 0; y < H; y++)
        {
            var rowHot = !(cut > 0);
            for (var x = 0; x < W && !rowHot; x++) rowHot = Fp16.ToFloat(map[y * W + x]) >= cut;
            hotRows[y] = rowHot;
            any |= rowHot;
        }
        if (!any) return 0;
        var wide = scratch[..ScratchLength];
        var widened = -1;
        var n = 0;
        for (var y = 0; y < Height; y++)
        {
            var window = _rows[y];
            var reach = false;
            for (var j = 0; j < window.Weights.Length && !reach; j++) reach = hotRows[window.First + j];
            if (!reach) continue;
            // Source rows are column-resampled once each, in increasing order ('widened' says how far).
            for (var s = Math.Max(widened + 1, window.First); s < window.First + window.Weights.Length; s++)
            {
                var src = map.Slice(s * W, W);
                for (var x = 0; x < Width; x++) wide[s * Width + x] = Horizontal(src, _columns[x]);
                widened = s;
            }
            for (var x = 0; x < Width; x++)
            {
                var v = Vertical(wide, window, x);
                if (v < cut) continue;
                pixels[n] = y * Width + x;
                values[n++] = v;
            }
        }
        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Horizontal(ReadOnlySpan<ushort> row, Window w)
    {
        double ss = 0;
        for (var x = 0; x < w.Weights.Length; x++) ss += Fp16.ToFloat(row[w.First + x]) * w.Weights[x];
        return (float)ss;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Horizontal(ReadOnlySpan<float> row, Window w)
    {
        double ss = 0;
        for (var x = 0; x < w.Weights.Length; x++) ss += row[w.First + x] * w.Weights[x];
        return (float)ss;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float Vertical(ReadOnlySpan<float> wide, Window w, int x)
    {
        double ss = 0;
        for (var y = 0; y < w.Weights.Length; y++) ss += wide[(w.First + y) * Width + x] * w.Weights[y];
        return (float)ss;
    }
}
