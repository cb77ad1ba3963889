// The real photos committed under data/samples (copied beside the test assembly), as RGB 0..255 CHW arrays.
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Dissection.Core.Tests.Models;

internal static class SamplePhotos
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "samples");

    public static string[] Paths()
    {
        var paths = Directory.GetFiles(Folder, "*.jpg").Order().ToArray();
        Assert.True(paths.Length >= 2, $"expected the sample photos in {Folder}");
        return paths;
    }

    /// <summary>The photo stretched to size x size, channels R, G, B, values 0..255.</summary>
    public static float[] RgbChw255(string path, int size)
    {
        using var image = Image.Load<Rgb24>(path);
        image.Mutate(c => c.Resize(size, size));
        var data = new float[3 * size * size];
        int plane = size * size;
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                var p = image[x, y];
                data[y * size + x] = p.R;
                data[plane + y * size + x] = p.G;
                data[2 * plane + y * size + x] = p.B;
            }
        return data;
    }
}
