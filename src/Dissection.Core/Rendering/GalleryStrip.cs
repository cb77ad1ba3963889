// A unit's top-k thumbnails side by side with a white gap, encoded for the dashboard (PNG, or JPEG to save space).
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Dissection.Core.Rendering;

public enum StripFormat { Png, Jpeg }

public static class GalleryStrip
{
    public const int DefaultGap = 5;
    public static readonly Rgb24 GapColour = new(255, 255, 255);

    /// <summary>Places thumbnails left to right, top-aligned, separated by gap white pixels; height = tallest thumbnail.</summary>
    public static Image<Rgb24> Compose(IReadOnlyList<Image<Rgb24>> thumbnails, int gap = DefaultGap)
    {
        if (thumbnails.Count == 0) throw new ArgumentException("a gallery strip needs at least one thumbnail");
        ArgumentOutOfRangeException.ThrowIfNegative(gap);
        int width = thumbnails.Sum(t => t.Width) + gap * (thumbnails.Count - 1);
        int height = thumbnails.Max(t => t.Height);
        var strip = new Image<Rgb24>(width, height, GapColour);
        int x = 0;
        foreach (var t in thumbnails)
        {
            int left = x;
            strip.Mutate(c => c.DrawImage(t, new Point(left, 0), 1f));
            x += t.Width + gap;
        }
        return strip;
    }

    /// <summary>The whole gallery of one unit from stored results: each source image with its raw map overlaid
    /// (MaskOverlay), a Placeholder for any image that cannot be read, side by side.</summary>
    /// <param name="maps">One raw h x w activation map per image, row-major.</param>
    public static Image<Rgb24> RenderUnit(IReadOnlyList<string> imagePaths, IReadOnlyList<float[]> maps, int h, int w,
        float threshold, int size, int gap = DefaultGap)
    {
        if (imagePaths.Count != maps.Count)
            throw new ArgumentException($"{imagePaths.Count} image paths but {maps.Count} activation maps");
        var thumbs = new List<Image<Rgb24>>(imagePaths.Count);
        try
        {
            for (int i = 0; i < imagePaths.Count; i++)
                thumbs.Add(MaskOverlay.RenderFileOrPlaceholder(imagePaths[i], maps[i], h, w, threshold, size));
            return Compose(thumbs, gap);
        }
        finally { thumbs.ForEach(t => t.Dispose()); }
    }

    /// <summary>Encodes an image; quality (1..100) applies to JPEG only.</summary>
    public static byte[] Encode(Image<Rgb24> image, StripFormat format, int quality = 85)
    {
        using var stream = new MemoryStream();
        if (format == StripFormat.Jpeg)
            image.Save(stream, new JpegEncoder { Quality = Math.Clamp(quality, 1, 100) });
        else
            image.Save(stream, new PngEncoder { ColorType = PngColorType.Rgb });
        return stream.ToArray();
    }
}
