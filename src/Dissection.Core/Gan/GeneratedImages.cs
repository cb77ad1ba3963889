// Turning generator output into pictures: the generator's nominal [-1,1] range maps to [0,1] (clamped) and to 8-bit RGB PNGs.
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace Dissection.Core.Gan;

public static class GeneratedImages
{
    /// <summary>(N,3,H,W) in nominal [-1,1] → [0,1], clamped; the layout segmenters and galleries take.</summary>
    public static Tensor ToUnitRange(Tensor output)
    {
        using var scope = NewDisposeScope();
        return ((output.detach() + 1) / 2).clamp(0, 1).MoveToOuterDisposeScope();
    }

    /// <summary>One (3,H,W) image in nominal [-1,1] → 8-bit RGB: round((x+1)/2·255), clamped to 0…255.</summary>
    public static Image<Rgb24> ToImage(Tensor image)
    {
        if (image.dim() != 3 || image.shape[0] != 3)
            throw new ArgumentException($"expected one (3,H,W) image, got ({string.Join(",", image.shape)})");
        int h = (int)image.shape[1], w = (int)image.shape[2];
        byte[] rgb;
        using (NewDisposeScope())
        {
            var bytes = ((image.detach().to(CPU).to_type(ScalarType.Float32) + 1) * 127.5f).round().clamp(0, 255)
                .to_type(ScalarType.Byte).permute(1, 2, 0).contiguous();
            rgb = bytes.data<byte>().ToArray();
        }
        return Image.LoadPixelData<Rgb24>(rgb, w, h);
    }

    public static void SavePng(Tensor image, string path)
    {
        using var img = ToImage(image);
        img.SaveAsPng(path);
    }

    /// <summary>A grid of (N,3,H,W) images, `columns` wide, 2-px gaps: for looking at many samples at once.</summary>
    public static void SaveGrid(Tensor images, int columns, string path)
    {
        int n = (int)images.shape[0], h = (int)images.shape[2], w = (int)images.shape[3];
        var rows = (n + columns - 1) / columns;
        using var grid = new Image<Rgb24>(columns * (w + 2), rows * (h + 2), new Rgb24(255, 255, 255));
        for (var i = 0; i < n; i++)
        {
            using var one = images[i];
            using var tile = ToImage(one);
            var (ox, oy) = (i % columns * (w + 2), i / columns * (h + 2));
            for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
                grid[ox + x, oy + y] = tile[x, y];
        }
        grid.SaveAsPng(path);
    }
}
