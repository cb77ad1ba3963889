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
        var thumb = image.Clone(x => x.Resize(new ResizeOptions
        {
            Size = new Size(size, size), Sampler = KnownResamplers.Triangle, Mode = ResizeMode.Stretch,
        }));
        Apply(thumb, mask);
        return thumb;
    }

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
