// Renders one image of the world from (seed, index): compose the scene, apply lighting and noise, then reduce the
// image-resolution labels to segmentation resolution (majority per block) and name the colours.
namespace Dissection.Core.World;

internal static class WorldRenderer
{
    public static int SceneOf(int index) => index % WorldCatalog.Scenes.Count;

    public static bool IsVal(int seed, int index, double valFraction) =>
        WorldRng.Hash(index, 0x5A17, seed) % 10000 < (uint)Math.Round(valFraction * 10000);

    public static RenderedImage Render(int seed, int index, int size, int segSize, double valFraction)
    {
        var rng = new WorldRng(seed, index);
        var scene = SceneOf(index);
        var cv = new Canvas(size);
        SceneComposer.Compose(cv, scene, ref rng);
        Light(cv.Rgb, size, ref rng);
        var f = size / segSize;
        return new RenderedImage(index, scene, IsVal(seed, index, valFraction), size, segSize, cv.Rgb,
            Majority(cv.Object, size, f), Majority(cv.Part, size, f), Majority(cv.Material, size, f), ColorPlane(cv.Rgb, size, f));
    }

    /// <summary>Global brightness, a colour tint, a linear light gradient and pixel noise, so no single pixel statistic gives the scene away.</summary>
    private static void Light(byte[] rgb, int size, ref WorldRng r)
    {
        var b = r.Range(0.78f, 1.15f);
        float tr = b * (1 + r.Range(-0.06f, 0.06f)), tg = b * (1 + r.Range(-0.06f, 0.06f)), tb = b * (1 + r.Range(-0.06f, 0.06f));
        var a = r.Range(0, MathF.PI * 2); var g = r.Range(0, 0.3f);
        float gx = g * MathF.Cos(a) / size, gy = g * MathF.Sin(a) / size;
        var seed = (int)r.NextUInt();
        for (var y = 0; y < size; y++)
        for (var x = 0; x < size; x++)
        {
            var m = 1 + gx * (x - size / 2f) + gy * (y - size / 2f);
            var i = 3 * (y * size + x);
            var n = (int)(WorldRng.Hash(x, y, seed) % 13) - 6;
            rgb[i] = Rgb.Clamp((int)(rgb[i] * tr * m) + n);
            rgb[i + 1] = Rgb.Clamp((int)(rgb[i + 1] * tg * m) + n);
            rgb[i + 2] = Rgb.Clamp((int)(rgb[i + 2] * tb * m) + n);
        }
    }

    /// <summary>Most frequent label in each f x f block; ties go to the label met first in scan order.</summary>
    internal static ushort[] Majority(ushort[] labels, int size, int f)
    {
        var seg = size / f;
        var result = new ushort[seg * seg];
        Span<ushort> vals = stackalloc ushort[f * f];
        for (var sy = 0; sy < seg; sy++)
        for (var sx = 0; sx < seg; sx++)
        {
            var k = 0;
            for (var dy = 0; dy < f; dy++)
            for (var dx = 0; dx < f; dx++)
                vals[k++] = labels[(sy * f + dy) * size + sx * f + dx];
            ushort best = vals[0]; var bestCount = 0;
            for (var i = 0; i < k; i++)
            {
                var c = 0;
                for (var j = 0; j < k; j++) if (vals[j] == vals[i]) c++;
                if (c > bestCount) { bestCount = c; best = vals[i]; }
            }
            result[sy * seg + sx] = best;
        }
        return result;
    }

    private static ushort[] ColorPlane(byte[] rgb, int size, int f)
    {
        var seg = size / f;
        var result = new ushort[seg * seg];
        for (var sy = 0; sy < seg; sy++)
        for (var sx = 0; sx < seg; sx++)
        {
            int r = 0, g = 0, b = 0;
            for (var dy = 0; dy < f; dy++)
            for (var dx = 0; dx < f; dx++)
            {
                var i = 3 * ((sy * f + dy) * size + sx * f + dx);
                r += rgb[i]; g += rgb[i + 1]; b += rgb[i + 2];
            }
            var n = f * f;
            result[sy * seg + sx] = ColorNaming.Nearest(r / n, g / n, b / n);
        }
        return result;
    }
}
