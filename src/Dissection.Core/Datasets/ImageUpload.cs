// The rules for an image a user brings (the dashboard's upload fields): JPEG, PNG or WebP, at most 10 MB and 40 megapixels,
// any aspect ratio, grayscale or with alpha (decoded to RGB). Every refusal is a BadImageException whose Reason names the
// problem in words a user understands; a decompression bomb is refused from its header, before any pixel is allocated.
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Dissection.Core.Datasets;

public static class ImageUpload
{
    public const long MaxBytes = 10L * 1024 * 1024;
    public const long MaxPixels = 40_000_000;

    /// <summary>Format names as ImageSharp detects them, and the browser's accept list for a file input.</summary>
    public static readonly IReadOnlyList<string> Formats = ["JPEG", "PNG", "WEBP"];
    public const string Accept = "image/jpeg,image/png,image/webp";

    /// <summary>Refuses a file by its size alone, before reading it (the browser reports the size first).</summary>
    public static void CheckLength(long bytes, string name)
    {
        if (bytes > MaxBytes)
            throw new BadImageException(name, $"too large: the file is {Megabytes(bytes)} MB, the limit is {MaxBytes / (1024 * 1024)} MB");
        if (bytes == 0) throw new BadImageException(name, "empty: the file has no bytes");
    }

    /// <summary>Checks size, format and pixel count from the header only; returns the detected format (JPEG, PNG, WEBP).</summary>
    public static string Check(byte[] bytes, string name)
    {
        CheckLength(bytes.LongLength, name);
        var (format, width, height) = Identify(bytes, name);
        if (!Formats.Contains(format))
            throw new BadImageException(name, $"unsupported format {format}: use a JPEG, PNG or WebP image");
        if ((long)width * height > MaxPixels)
            throw new BadImageException(name, $"too large: {width}x{height} pixels is {(long)width * height / 1e6:0.#} megapixels, " +
                                              $"the limit is {MaxPixels / 1_000_000} megapixels");
        return format;
    }

    /// <summary>Checks as <see cref="Check"/> does, then decodes to RGB (grayscale, palette and alpha images included).</summary>
    public static Image<Rgb24> Decode(byte[] bytes, string name)
    {
        Check(bytes, name);
        return ImageDecoding.Decode<Rgb24>(bytes, name, MaxPixels, out _);
    }

    /// <summary>The usual file extension of a detected format, for storing a saved upload.</summary>
    public static string Extension(string format) => format switch
    {
        "JPEG" => ".jpg",
        "PNG" => ".png",
        "WEBP" => ".webp",
        _ => throw new ArgumentException($"unsupported format {format}"),
    };

    static (string Format, int Width, int Height) Identify(byte[] bytes, string name)
    {
        try { return ImageDecoding.Identify(bytes, name, long.MaxValue); }
        catch (BadImageException e) when (e.Reason.StartsWith("corrupt: not a recognised", StringComparison.Ordinal))
        {
            throw new BadImageException(name, "not an image: the content is not JPEG, PNG or WebP (was the file renamed?)", e);
        }
    }

    static string Megabytes(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
}
