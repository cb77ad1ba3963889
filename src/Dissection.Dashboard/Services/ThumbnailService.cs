// Gallery images rendered on demand from a unit's stored top images and raw maps (Core's MaskOverlay, the reference
// look), cached on disk by content, so a thumbnail is drawn once per (run, layer, unit, rank, size, threshold, map)
// and then only read.
using System.Security.Cryptography;
using System.Text;
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Rendering;
using Dissection.Core.Storage;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Dissection.Dashboard.Services;

/// <summary>An encoded image (PNG, or JPEG where asked for) ready to serve. <see cref="Problem"/> says why a placeholder
/// was drawn instead.</summary>
public sealed record Thumbnail(byte[] Bytes, string ETag, string? Problem)
{
    public bool IsPlaceholder => Problem is not null;
}

public sealed class ThumbnailService(RepoPaths paths, ILogger<ThumbnailService> log)
{
    public const int MinSize = 32, MaxSize = 512;
    /// <summary>White pixels between the images of a strip.</summary>
    public const int StripGap = 2;
    private const string Version = "v2";
    /// <summary>JPEG quality of the report's plain thumbnails (the mask outlines are a separate PNG, so stay crisp).</summary>
    public const int JpegQuality = 75;

    public static int ClampSize(int? size, int fallback) => Math.Clamp(size ?? fallback, MinSize, MaxSize);

    /// <summary>Width of a strip of <paramref name="count"/> images, so pages can reserve the space before it loads.</summary>
    public static int StripWidth(int count, int size) => count <= 0 ? 0 : count * size + (count - 1) * StripGap;

    /// <summary>One top image of a unit with its mask.</summary>
    public Thumbnail Image(RunInfo run, string layer, int unit, float threshold, TopImage top, int size) =>
        Cached(Key(run, layer, unit, threshold, top, size), StripFormat.Png, () => RenderOne(run, threshold, top, size));

    /// <summary>The unit's first <paramref name="count"/> top images side by side.</summary>
    public Thumbnail Strip(RunInfo run, string layer, UnitResult unit, int count, int size)
    {
        var tops = unit.TopImages.Take(Math.Max(1, count)).ToList();
        var key = Hash("strip|" + string.Join("|", tops.Select(t => Key(run, layer, unit.Unit, unit.Threshold, t, size))));
        return Cached(key, StripFormat.Png, () =>
        {
            var tiles = new List<Image<Rgb24>>();
            string? problem = null;
            try
            {
                foreach (var t in tops)
                {
                    var (img, p) = RenderOne(run, unit.Threshold, t, size);
                    tiles.Add(img);
                    problem ??= p;
                }
                return (GalleryStrip.Compose(tiles, StripGap), problem);
            }
            finally { foreach (var t in tiles) t.Dispose(); }
        });
    }

    /// <summary>A dataset image at thumbnail size with no mask, as JPEG: the HTML report stores each image once.</summary>
    public Thumbnail Plain(RunInfo run, TopImage top, int size)
    {
        var key = Hash($"plain|{Version}|{JpegQuality}|{run.Id}|{run.CreatedUtc.Ticks}|{run.Dataset}|{top.ImageIndex}|{top.Path}|{size}");
        return Cached(key, StripFormat.Jpeg, () =>
        {
            var file = ResolveImageFile(run, top);
            if (file is null) return (Placeholder.Create(size, size, "missing"), $"image '{top.Path}' not found");
            try
            {
                using var image = LoadGuarded(file);
                return (MaskOverlay.Thumbnail(image, size), null);
            }
            catch (Exception e) when (e is IOException or UnknownImageFormatException or InvalidImageContentException
                                          or SixLabors.ImageSharp.Memory.InvalidMemoryOperationException)
            {
                return (Placeholder.Create(size, size, "unreadable"), $"image '{top.Path}' cannot be read");
            }
        });
    }

    /// <summary>The masks of a unit's first <paramref name="count"/> top images as one transparent PNG strip, laid
    /// over their <see cref="Plain"/> thumbnails (same gaps as <see cref="Strip"/>), it draws the same picture.</summary>
    public byte[] MaskStrip(RunInfo run, string layer, UnitResult unit, int count, int size)
    {
        var tops = unit.TopImages.Take(Math.Max(1, count)).ToList();
        var key = Hash("masks|" + string.Join("|", tops.Select(t => Key(run, layer, unit.Unit, unit.Threshold, t, size))));
        var file = Path.Combine(paths.CacheFolder, "thumbs", key[..2], key + ".png");
        if (File.Exists(file))
        {
            try { return File.ReadAllBytes(file); }
            catch (IOException) { /* being replaced: draw again */ }
        }
        using var strip = new Image<Rgba32>(StripWidth(tops.Count, size), size);
        for (var i = 0; i < tops.Count; i++)
        {
            var t = tops[i];
            using var layerImage = MaskOverlay.Layer(MaskOverlay.Mask(t.Map, t.MapHeight, t.MapWidth, unit.Threshold, size), size, size);
            var left = i * (size + StripGap);
            strip.Mutate(c => c.DrawImage(layerImage, new Point(left, 0), 1f));
        }
        using var ms = new MemoryStream();
        // Three colours (clear, half-black, yellow): a palette PNG is a few hundred bytes per image.
        strip.SaveAsPng(ms, new SixLabors.ImageSharp.Formats.Png.PngEncoder
        {
            ColorType = SixLabors.ImageSharp.Formats.Png.PngColorType.Palette,
            BitDepth = SixLabors.ImageSharp.Formats.Png.PngBitDepth.Bit2,
            // The three colours are known: no colour search, no dithering.
            Quantizer = MaskPalette,
        });
        var png = ms.ToArray();
        Store(file, png);
        return png;
    }

    private static readonly SixLabors.ImageSharp.Processing.Processors.Quantization.PaletteQuantizer MaskPalette = new(
        new Color[] { Color.Transparent, Color.FromRgba(0, 0, 0, 128), Color.FromRgba(MaskOverlay.Border.R, MaskOverlay.Border.G, MaskOverlay.Border.B, 255) },
        new SixLabors.ImageSharp.Processing.Processors.Quantization.QuantizerOptions { Dither = null });

    /// <summary>Where a stored top image's file is: the index path under the dataset's images/ folder.</summary>
    public string? ResolveImageFile(RunInfo run, TopImage top)
    {
        if (Path.IsPathRooted(top.Path)) return File.Exists(top.Path) ? top.Path : null;
        var root = paths.Resolve(run.Dataset);
        foreach (var candidate in new[] { Path.Combine(root, "images", top.Path), Path.Combine(root, top.Path) })
            if (File.Exists(candidate)) return candidate;
        return null;
    }

    /// <summary>True when the run's dataset folder exists, so pages can warn before showing placeholders.</summary>
    public bool DatasetAvailable(RunInfo run) => Directory.Exists(paths.Resolve(run.Dataset));

    private (Image<Rgb24>, string?) RenderOne(RunInfo run, float threshold, TopImage top, int size)
    {
        var file = ResolveImageFile(run, top);
        if (file is null)
            return (Placeholder.Create(size, size, "missing"), $"image '{top.Path}' not found in dataset '{run.Dataset}'");
        try
        {
            using var image = LoadGuarded(file);
            return (MaskOverlay.Render(image, top.Map, top.MapHeight, top.MapWidth, threshold, size), null);
        }
        catch (Exception e) when (e is IOException or UnknownImageFormatException or InvalidImageContentException
                                      or SixLabors.ImageSharp.Memory.InvalidMemoryOperationException)
        {
            var reason = e is IOException and not BadImageException ? "unreadable" : e is BadImageException b ? b.Reason : "corrupt";
            log.LogWarning("Cannot render {File}: {Message}", file, e.Message);
            return (Placeholder.Create(size, size, reason), $"image '{top.Path}' cannot be read: {e.Message}");
        }
        catch (ArgumentException e) // a stored map whose size does not match its shape
        {
            log.LogWarning("Cannot render {File}: {Message}", file, e.Message);
            return (Placeholder.Create(size, size, "bad map"), $"the stored map of '{top.Path}' is unusable: {e.Message}");
        }
    }

    // Header first, then a decoder with an allocation limit: a small file claiming huge dimensions fails fast.
    private static readonly Configuration Decoding = CreateDecoding();
    private const long MaxPixels = 40_000_000;

    private static Configuration CreateDecoding()
    {
        var c = Configuration.Default.Clone();
        c.MemoryAllocator = SixLabors.ImageSharp.Memory.MemoryAllocator.Create(
            new SixLabors.ImageSharp.Memory.MemoryAllocatorOptions { AllocationLimitMegabytes = 256 });
        return c;
    }

    private static Image<Rgb24> LoadGuarded(string file)
    {
        var info = SixLabors.ImageSharp.Image.Identify(Decoding, file, out _) ?? throw new BadImageException(file, "not an image");
        if ((long)info.Width * info.Height > MaxPixels) throw new BadImageException(file, $"too large: {info.Width}x{info.Height}");
        return SixLabors.ImageSharp.Image.Load<Rgb24>(Decoding, file);
    }

    private Thumbnail Cached(string key, StripFormat format, Func<(Image<Rgb24> Image, string? Problem)> render)
    {
        var file = Path.Combine(paths.CacheFolder, "thumbs", key[..2], key + (format == StripFormat.Jpeg ? ".jpg" : ".png"));
        if (File.Exists(file))
        {
            try { return new Thumbnail(File.ReadAllBytes(file), Quote(key), null); }
            catch (IOException) { /* being replaced right now: render again */ }
        }
        var (image, problem) = render();
        byte[] png;
        using (image) png = GalleryStrip.Encode(image, format, JpegQuality);
        // Placeholders are not cached: the dataset may come back.
        if (problem is null) Store(file, png);
        return new Thumbnail(png, Quote(problem is null ? key : "p" + key), problem);
    }

    /// <summary>Writes a cache file beside a temporary name and moves it into place: readers never see half of it.</summary>
    private void Store(string file, byte[] bytes)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var tmp = file + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllBytes(tmp, bytes);
            File.Move(tmp, file, overwrite: true);
        }
        catch (IOException e) { log.LogWarning("Cannot cache {File}: {Message}", file, e.Message); }
    }

    private static string Key(RunInfo run, string layer, int unit, float threshold, TopImage top, int size)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(
            $"{Version}|{run.Id}|{run.CreatedUtc.Ticks}|{run.Dataset}|{layer}|{unit}|{top.ImageIndex}|{top.Path}|{size}|{threshold:R}|{top.MapHeight}x{top.MapWidth}|"));
        sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(top.Map.AsSpan()));
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..40];
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..40];

    private static string Quote(string key) => "\"" + key + "\"";
}
