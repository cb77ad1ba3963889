// A "hot" colour map of a unit's activation map (black -> red -> yellow -> white) for the dashboard.
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Dissection.Core.Rendering;

public static class Heatmap
{
    /// <summary>Upsamples the map to size x size and colours it; values are scaled from [min,max] (the map's own range
    /// when not given) to [0,1]. A constant map renders black.</summary>
    public static Image<Rgb24> Render(ReadOnlySpan<float> map, int h, int w, int size, float? min = null, float? max = null)
    {
        var up = Upsampler.Upsample(map, h, w, size, size);
        float lo = min ?? up.Min(), hi = max ?? up.Max();
        float range = hi - lo;
        var image = new Image<Rgb24>(size, size);
        image.ProcessPixelRows(accessor =>
        {
            for (int y = 0; y < size; y++)
            {
                var row = accessor.GetRowSpan(y);
                for (int x = 0; x < size; x++)
                    row[x] = Hot(range > 0 ? (up[y * size + x] - lo) / range : 0f);
            }
        });
        return image;
    }

    /// <summary>The hot colour of v in [0,1] (clamped): red rises first, then green, then blue.</summary>
    public static Rgb24 Hot(float v)
    {
        v = float.IsNaN(v) ? 0f : Math.Clamp(v, 0f, 1f);
        static byte Channel(float c) => (byte)MathF.Round(Math.Clamp(c, 0f, 1f) * 255f);
        return new Rgb24(Channel(3f * v), Channel(3f * v - 1f), Channel(3f * v - 2f));
    }
}
