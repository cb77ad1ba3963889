// A contact sheet of the first images of a world with their object labels in false colour, to eyeball the generator.
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Dissection.Core.World;

public static class WorldPreview
{
    /// <summary>Writes a PNG grid: for each image, the picture and, beside it, its object (or part) labels.</summary>
    public static void Write(string path, int seed, int count, int size = 128, string plane = "object")
    {
        var seg = size / 2;
        const int cols = 5;
        var rows = (count + cols - 1) / cols;
        using var sheet = new Image<Rgb24>(cols * size * 2, rows * size);
        for (var i = 0; i < count; i++)
        {
            var img = WorldRenderer.Render(seed, i, size, seg, 0.2);
            var labels = plane switch { "part" => img.Part, "material" => img.Material, "color" => img.Color, _ => img.Object };
            int ox = i % cols * size * 2, oy = i / cols * size;
            for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
            {
                var k = 3 * (y * size + x);
                sheet[ox + x, oy + y] = new Rgb24(img.Rgb[k], img.Rgb[k + 1], img.Rgb[k + 2]);
                var l = labels[y / 2 * seg + x / 2];
                var h = WorldRng.Hash(l, 17, 3);
                sheet[ox + size + x, oy + y] = l == 0 ? new Rgb24(0, 0, 0) : new Rgb24((byte)(h | 64), (byte)((h >> 8) | 64), (byte)((h >> 16) | 64));
            }
        }
        sheet.SaveAsPng(path);
    }
}
