// Safe image decoding with ImageSharp 2.x: header check, bounded memory, RGB floats in [0,1] written straight into a buffer.
// A decompression bomb (tiny file, huge header) is stopped twice: Identify rejects the pixel count before decoding, and the
// Configuration's allocation limit stops anything that slips past (stack-notes pitfall 13). A file cut short is refused
// from its end marker (TruncatedImage), since ImageSharp decodes partial JPEGs without complaint.
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Dissection.Core.Datasets;

internal static class ImageDecoding
{
    public const long MaxPixels = 40_000_000;
    public const int AllocationLimitMegabytes = 256;
    public const long MaxFileBytes = 256L * 1024 * 1024;

    /// <summary>Bounded configuration; one worker per decode because callers parallelise across images.</summary>
    public static readonly Configuration Safe = CreateConfiguration();

    static Configuration CreateConfiguration()
    {
        var cfg = Configuration.Default.Clone();
        cfg.MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions { AllocationLimitMegabytes = AllocationLimitMegabytes });
        cfg.MaxDegreeOfParallelism = 1;
        return cfg;
    }

    /// <summary>Decodes a file as RGB after checking its header. Throws BadImageException naming the file.</summary>
    public static Image<TPixel> Load<TPixel>(string path, long maxPixels = MaxPixels) where TPixel : unmanaged, IPixel<TPixel>
    {
        if (!File.Exists(path)) throw new BadImageException(path, "missing");
        byte[] bytes;
        try
        {
            long length = new FileInfo(path).Length;
            if (length > MaxFileBytes) throw new BadImageException(path, $"too large: file is {length / (1024 * 1024)} MB");
            // One read into memory: the header check and the decode then share the bytes without a second file open.
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException e) when (e is not BadImageException) { throw new BadImageException(path, $"unreadable: {e.Message}", e); }
        catch (UnauthorizedAccessException e) { throw new BadImageException(path, $"unreadable: {e.Message}", e); }
        return Decode<TPixel>(bytes, path, maxPixels, out _);
    }

    /// <summary>Decodes in-memory bytes (an upload) the same guarded way: header first, pixel count checked before any
    /// pixel is allocated, then a bounded decode. <paramref name="name"/> names the image in the BadImageException;
    /// <paramref name="format"/> is the detected format (JPEG, PNG, WEBP, ...).</summary>
    public static Image<TPixel> Decode<TPixel>(byte[] bytes, string name, long maxPixels, out string format)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        format = Identify(bytes, name, maxPixels).Format;
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            return Image.Load<TPixel>(Safe, stream);
        }
        catch (Exception e) when (Describe(e) is { } reason) { throw new BadImageException(name, reason, e); }
    }

    /// <summary>Reads only the header: format name and size. Throws BadImageException when the bytes are not a known
    /// image format or claim more than <paramref name="maxPixels"/> pixels (a decompression bomb stops here).</summary>
    public static (string Format, int Width, int Height) Identify(byte[] bytes, string name, long maxPixels)
    {
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            var info = Image.Identify(Safe, stream, out var format);
            if (info is null || format is null) throw new BadImageException(name, "corrupt: not a recognised image format");
            if (info.Width <= 0 || info.Height <= 0) throw new BadImageException(name, "corrupt: empty image");
            long pixels = (long)info.Width * info.Height;
            if (pixels > maxPixels)
                throw new BadImageException(name, $"too large: {info.Width}x{info.Height} exceeds {maxPixels:N0} pixels");
            var formatName = format.Name.ToUpperInvariant();
            // Checked before decoding because the decoder itself accepts a cut-off JPEG silently.
            if (TruncatedImage.Problem(bytes, formatName) is { } truncated) throw new BadImageException(name, truncated);
            return (formatName, info.Width, info.Height);
        }
        catch (Exception e) when (Describe(e) is { } reason) { throw new BadImageException(name, reason, e); }
    }

    /// <summary>The reason for a decoding failure, or null for exceptions that are not about the image (rethrown as is).</summary>
    static string? Describe(Exception e) => e switch
    {
        BadImageException => null,
        InvalidMemoryOperationException => "too large: exceeds the decode memory limit",
        InvalidImageContentException { InnerException: InvalidMemoryOperationException } => "too large: exceeds the decode memory limit",
        UnknownImageFormatException => "corrupt: not a recognised image format",
        ImageFormatException => $"corrupt: {e.Message}",
        IOException => $"unreadable: {e.Message}",
        NotSupportedException or ArgumentException => $"corrupt: {e.Message}",
        IndexOutOfRangeException => "corrupt: truncated data",
        _ => null,
    };

    /// <summary>Resizes in place to size x size with the triangle (bilinear) filter; like PIL BILINEAR it widens the
    /// kernel when shrinking (antialiased), unlike torch interpolate(bilinear, antialias=False).</summary>
    public static void ResizeSquare(Image<Rgb24> image, int size)
    {
        if (image.Width == size && image.Height == size) return;
        image.Mutate(x => x.Resize(new ResizeOptions
        {
            Size = new Size(size, size),
            Sampler = KnownResamplers.Triangle,
            Mode = ResizeMode.Stretch,
        }));
    }

    /// <summary>Writes the image as planar RGB floats in [0,1] (3,H,W) into destination starting at offset.</summary>
    public static void CopyPlanarRgb(Image<Rgb24> image, float[] destination, int offset)
    {
        int h = image.Height, w = image.Width, plane = h * w;
        image.ProcessPixelRows(accessor =>
        {
            const float scale = 1f / 255f;
            for (int y = 0; y < h; y++)
            {
                var row = accessor.GetRowSpan(y);
                int r = offset + y * w, g = r + plane, b = g + plane;
                for (int x = 0; x < w; x++)
                {
                    var p = row[x];
                    destination[r + x] = p.R * scale;
                    destination[g + x] = p.G * scale;
                    destination[b + x] = p.B * scale;
                }
            }
        });
    }

    /// <summary>Decode, resize and write planar floats; the whole per-image path for dissection batches.</summary>
    public static void DecodeInto(string path, int size, float[] destination, int offset)
    {
        using var image = Load<Rgb24>(path);
        try { ResizeSquare(image, size); }
        catch (InvalidMemoryOperationException e) { throw new BadImageException(path, "too large: exceeds the decode memory limit", e); }
        CopyPlanarRgb(image, destination, offset);
    }
}
