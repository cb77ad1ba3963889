// Bilinear upsampling of a raw unit activation map to image resolution, on the PNAS grid with zero padding.
// Rule (the engine's torch upsampling implements the same one, so thumbnails match the tallies):
//   per axis, scale s = H / h; target pixel t samples source coordinate x = (t + 0.5) / s - 0.5 (pixel centres aligned);
//   value = (1 - f) * a[i] + f * a[i + 1] with i = floor(x), f = x - i; a[-1] = a[h] = 0 (zero padding), so the outer
//   half-pixel blends toward 0. Rows and columns are interpolated separately (the 2-D result is the bilinear product).
namespace Dissection.Core.Rendering;

public static class Upsampler
{
    /// <summary>Upsamples a row-major h x w map to height x width.</summary>
    public static float[] Upsample(ReadOnlySpan<float> map, int h, int w, int height, int width)
    {
        if (h <= 0 || w <= 0 || height <= 0 || width <= 0)
            throw new ArgumentException($"sizes must be positive: map {h}x{w}, target {height}x{width}");
        if (map.Length != h * w) throw new ArgumentException($"map has {map.Length} values, expected {h}x{w} = {h * w}");

        var cols = Taps(w, width);
        var rows = Taps(h, height);
        // Columns first: h x width intermediate.
        var wide = new float[h * width];
        for (int y = 0; y < h; y++)
        {
            var src = map.Slice(y * w, w);
            int o = y * width;
            for (int x = 0; x < width; x++) wide[o + x] = Sample(src, cols[x]);
        }
        var result = new float[height * width];
        for (int y = 0; y < height; y++)
        {
            var t = rows[y];
            int o = y * width;
            bool has0 = t.Index >= 0, has1 = t.Index + 1 < h;
            int r0 = t.Index * width, r1 = (t.Index + 1) * width;
            for (int x = 0; x < width; x++)
                result[o + x] = (has0 ? t.Weight0 * wide[r0 + x] : 0f) + (has1 ? t.Weight1 * wide[r1 + x] : 0f);
        }
        return result;
    }

    /// <summary>The two source neighbours of each target pixel along one axis and their weights.</summary>
    internal readonly record struct Tap(int Index, float Weight0, float Weight1);

    internal static Tap[] Taps(int source, int target)
    {
        var taps = new Tap[target];
        double scale = (double)target / source;
        for (int t = 0; t < target; t++)
        {
            double x = (t + 0.5) / scale - 0.5;
            int i = (int)Math.Floor(x);
            float f = (float)(x - i);
            taps[t] = new Tap(i, 1f - f, f);
        }
        return taps;
    }

    static float Sample(ReadOnlySpan<float> a, Tap t)
    {
        float v = 0f;
        if (t.Index >= 0 && t.Index < a.Length) v += t.Weight0 * a[t.Index];
        if (t.Index + 1 >= 0 && t.Index + 1 < a.Length) v += t.Weight1 * a[t.Index + 1];
        return v;
    }
}
