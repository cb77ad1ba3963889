// The reference unit-visualisation look: the image at thumbnail size, the unit's upsampled activation above its threshold
// shown as is, everything else dimmed to half, and a 1-px yellow ring just outside the mask.
// Rules: mask = Upsampler.Upsample(map -> size x size) > threshold; inside: unchanged; outside: each channel / 2 (floor);
// ring = pixels outside the mask with any of their 8 neighbours inside, coloured (255,255,0).
using Dissection.Core.Datasets;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Dissection.Core.Rendering;

public static class MaskOverlay
{
    public static readonly Rgb24 Border = new(255, 255, 0);

    /// <summary>Renders a size x size thumbnail of an image with a unit's activation mask. The source is not modified.</summary>
    public static Image<Rgb24> Render(Image<Rgb24> image, ReadOnlySpan<float> map, int h, int w, float threshold, int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var mask = Mask(map, h, w, threshold, size);
        var thumb = Thumbnail(image, size);
        Apply(thumb, mask);
        return thumb;
    }

    /// <summary>The plain size x size thumbnail that <see cref="Render"/> draws its mask on.</summary>
    public static Image<Rgb24> Thumbnail(Image<Rgb24> image, int size) => image.Clone(x => x.Resize(new ResizeOptions
    {
        Size = new Size(size, size), Sampler = KnownResamplers.Triangle, Mode = ResizeMode.Stretch,
    }));

    /// <summary>Like Render, but loads the image from a file; a missing, corrupt or oversized file yields a Placeholder
    /// thumbnail with the reason instead of an exception.</summary>
    public static Image<Rgb24> RenderFileOrPlaceholder(string imagePath, ReadOnlySpan<float> map, int h, int w, float threshold, int size)
    {
        Image<Rgb24> image;
        try { image = ImageDecoding.Load<Rgb24>(imagePath); }
        catch (BadImageException e) { return Placeholder.Create(size, size, e.Reason); }
        using (image) return Render(image, map, h, w, threshold, size);
    }

    /// <summary>The binary mask at size x size (row-major).</summary>
    public static bool[] Mask(ReadOnlySpan<float> map, int h, int w, float threshold, int size)
    {
        var up = Upsampler.Upsample(map, h, w, size, size);
        var mask = new bool[up.Length];
        for (int i = 0; i < up.Length; i++) mask[i] = up[i] > threshold;
        return mask;
    }

    /// <summary>The overlay alone, to lay over the plain thumbnail (the HTML report stores each image once and one such
    /// layer per unit): transparent inside the mask, opaque <see cref="Border"/> on its outline, black at half opacity
    /// elsewhere, which halves the pixels under it as <see cref="Render"/> does.</summary>
    public static Image<Rgba32> Layer(bool[] mask, int width, int height)
    {
        if (mask.Length != width * height) throw new ArgumentException($"mask has {mask.Length} pixels, layer {width}x{height}");
        var layer = new Image<Rgba32>(width, height);
        var border = new Rgba32(Border.R, Border.G, Border.B, 255);
        var dim = new Rgba32(0, 0, 0, 128);
        layer.ProcessPixelRows(accessor =>
        {
            for (int y = 0; y < height; y++)
            {
                var row = accessor.GetRowSpan(y);
                for (int x = 0; x < width; x++)
                    row[x] = mask[y * width + x] ? default : TouchesMask(mask, width, height, x, y) ? border : dim;
            }
        });
        return layer;
    }

    /// <summary>Dims, keeps and outlines the pixels of a thumbnail in place according to a mask of the same size.</summary>
    internal static void Apply(Image<Rgb24> thumb, bool[] mask)
    {
        int width = thumb.Width, height = thumb.Height;
        if (mask.Length != width * height) throw new ArgumentException($"mask has {mask.Length} pixels, image {width}x{height}");
        thumb.ProcessPixelRows(accessor =>
        {
            for (int y = 0; y < height; y++)
            {
                var row = accessor.GetRowSpan(y);
                for (int x = 0; x < width; x++)
                {
                    if (mask[y * width + x]) continue;
                    if (TouchesMask(mask, width, height, x, y)) row[x] = Border;
                    else { var p = row[x]; row[x] = new Rgb24((byte)(p.R / 2), (byte)(p.G / 2), (byte)(p.B / 2)); }
                }
            }
        });
    }

    static bool TouchesMask(bool[] mask, int width, int height, int x, int y)
    {
        for (int dy = -1; dy <= 1; dy++)
        {
            int yy = y + dy;
            if (yy < 0 || yy >= height) continue;
            for (int dx = -1; dx <= 1; dx++)
            {
                int xx = x + dx;
                if ((dx != 0 || dy != 0) && xx >= 0 && xx < width && mask[yy * width + xx]) return true;
            }
        }
        return false;
    }
}
