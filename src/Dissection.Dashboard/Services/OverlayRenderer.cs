// Draws a unit's mask over a dataset image in the reference look: the unit's region as is, the rest dimmed,
// a thin yellow border. Stands in for Core's Rendering until that lands; same look, same inputs.
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Dissection.Dashboard.Services;

internal static class OverlayRenderer
{
    private const long MaxPixels = 40_000_000;

    // A small allocation limit turns image bombs into exceptions instead of out-of-memory.
    private static readonly Configuration Config = CreateConfig();

    private static Configuration CreateConfig()
    {
        var c = Configuration.Default.Clone();
        c.MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions { AllocationLimitMegabytes = 256 });
        return c;
    }

    /// <summary>Loads the image, resizes it to size x size and overlays the thresholded, bilinearly upsampled map.</summary>
    public static Image<Rgb24> Render(string imagePath, float[] map, int mapHeight, int mapWidth, float threshold, int size)
    {
        var info = Image.Identify(Config, imagePath, out _) ?? throw new InvalidDataException($"'{imagePath}' is not an image.");
        if ((long)info.Width * info.Height > MaxPixels)
            throw new InvalidDataException($"'{imagePath}' is too large ({info.Width}x{info.Height}).");
        var image = Image.Load<Rgb24>(Config, imagePath);
        image.Mutate(x => x.Resize(size, size));
        if (map.Length != mapHeight * mapWidth || map.Length == 0) return image;
        var mask = Mask(map, mapHeight, mapWidth, threshold, size);
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < size; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < size; x++)
                {
                    var inside = mask[y * size + x];
                    if (inside && IsEdge(mask, size, x, y)) row[x] = new Rgb24(255, 221, 0);
                    else if (!inside)
                    {
                        var p = row[x];
                        row[x] = new Rgb24((byte)(p.R * 0.3 + 20), (byte)(p.G * 0.3 + 20), (byte)(p.B * 0.3 + 20));
                    }
                }
            }
        });
        return image;
    }

    /// <summary>Bilinear upsampling with pixel centres aligned (PyTorch align_corners=False), then the threshold.</summary>
    internal static bool[] Mask(float[] map, int h, int w, float threshold, int size)
    {
        var mask = new bool[size * size];
        for (var y = 0; y < size; y++)
        {
            var sy = Math.Clamp((y + 0.5) * h / size - 0.5, 0, h - 1);
            int y0 = (int)sy, y1 = Math.Min(y0 + 1, h - 1);
            var fy = sy - y0;
            for (var x = 0; x < size; x++)
            {
                var sx = Math.Clamp((x + 0.5) * w / size - 0.5, 0, w - 1);
                int x0 = (int)sx, x1 = Math.Min(x0 + 1, w - 1);
                var fx = sx - x0;
                var v = (1 - fy) * ((1 - fx) * map[y0 * w + x0] + fx * map[y0 * w + x1])
                        + fy * ((1 - fx) * map[y1 * w + x0] + fx * map[y1 * w + x1]);
                mask[y * size + x] = v > threshold;
            }
        }
        return mask;
    }

    private static bool IsEdge(bool[] mask, int size, int x, int y) =>
        x == 0 || y == 0 || x == size - 1 || y == size - 1 ||
        !mask[y * size + x - 1] || !mask[y * size + x + 1] || !mask[(y - 1) * size + x] || !mask[(y + 1) * size + x];

    /// <summary>A neutral tile with a diagonal hatch: "this image could not be drawn".</summary>
    public static Image<Rgb24> Placeholder(int size)
    {
        var image = new Image<Rgb24>(size, size, new Rgb24(224, 224, 224));
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < size; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < size; x++)
                    if ((x + y) % 12 < 2) row[x] = new Rgb24(200, 200, 200);
            }
        });
        return image;
    }

    /// <summary>Tiles side by side with a small white gap, as a gallery strip.</summary>
    public static Image<Rgb24> Strip(IReadOnlyList<Image<Rgb24>> tiles, int size, int gap = 2)
    {
        var width = Math.Max(1, tiles.Count * size + Math.Max(0, tiles.Count - 1) * gap);
        var strip = new Image<Rgb24>(width, size, new Rgb24(255, 255, 255));
        for (var i = 0; i < tiles.Count; i++)
        {
            var tile = tiles[i];
            var at = i * (size + gap);
            strip.Mutate(x => x.DrawImage(tile, new Point(at, 0), 1f));
        }
        return strip;
    }
}
