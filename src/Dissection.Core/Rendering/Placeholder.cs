// The thumbnail shown instead of an image that cannot be rendered (missing, corrupt, too large): grey with a short reason.
// The dashboard never gets an exception for a bad source image; it gets one of these.
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Dissection.Core.Rendering;

public static class Placeholder
{
    public static readonly Rgb24 Background = new(128, 128, 128);
    public static readonly Rgb24 TextColour = new(32, 32, 32);

    /// <summary>A grey width x height image with the reason written on it (first ~40 characters).</summary>
    public static Image<Rgb24> Create(int width, int height, string reason)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"placeholder size must be positive, got {width}x{height}");
        var image = new Image<Rgb24>(width, height, Background);
        string text = reason.Length > 40 ? reason[..40] : reason;
        int scale = Math.Max(1, Math.Min(width, height) / 64);
        TinyFont.Draw(image, text, 2 * scale, 2 * scale, scale, TextColour);
        return image;
    }
}
