// Gallery images rendered on demand from a unit's stored top images and raw maps, cached on disk by content,
// so a thumbnail is drawn once per (run, layer, unit, rank, size, threshold, map) and then only read.
using System.Security.Cryptography;
using System.Text;
using Dissection.Core.Dissection;
using Dissection.Core.Storage;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Dissection.Dashboard.Services;

/// <summary>A PNG ready to serve. <see cref="Problem"/> says why a placeholder was drawn instead.</summary>
public sealed record Thumbnail(byte[] Png, string ETag, string? Problem)
{
    public bool IsPlaceholder => Problem is not null;
}

public sealed class ThumbnailService(RepoPaths paths, ILogger<ThumbnailService> log)
{
    public const int MinSize = 32, MaxSize = 512;
    private const string Version = "v1";

    public static int ClampSize(int? size, int fallback) => Math.Clamp(size ?? fallback, MinSize, MaxSize);

    /// <summary>One top image of a unit with its mask. Null when the rank does not exist.</summary>
    public Thumbnail? Image(RunInfo run, string layer, UnitResult unit, int rank, int size)
    {
        if (rank < 0 || rank >= unit.TopImages.Count) return null;
        var top = unit.TopImages[rank];
        var key = Key(run, layer, unit, top, size);
        return Cached(key, () => RenderOne(run, unit, top, size));
    }

    /// <summary>The unit's first <paramref name="count"/> top images side by side.</summary>
    public Thumbnail Strip(RunInfo run, string layer, UnitResult unit, int count, int size)
    {
        var tops = unit.TopImages.Take(Math.Max(1, count)).ToList();
        var key = Hash("strip|" + string.Join("|", tops.Select(t => Key(run, layer, unit, t, size))));
        return Cached(key, () =>
        {
            var tiles = new List<Image<Rgb24>>();
            string? problem = null;
            try
            {
                foreach (var t in tops)
                {
                    var (img, p) = RenderOne(run, unit, t, size);
                    tiles.Add(img);
                    problem ??= p;
                }
                return (OverlayRenderer.Strip(tiles, size), problem);
            }
            finally { foreach (var t in tiles) t.Dispose(); }
        });
    }

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

    private (Image<Rgb24>, string?) RenderOne(RunInfo run, UnitResult unit, TopImage top, int size)
    {
        var file = ResolveImageFile(run, top);
        if (file is null)
            return (OverlayRenderer.Placeholder(size), $"image '{top.Path}' not found in dataset '{run.Dataset}'");
        try
        {
            return (OverlayRenderer.Render(file, top.Map, top.MapHeight, top.MapWidth, unit.Threshold, size), null);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnknownImageFormatException
                                      or InvalidImageContentException or SixLabors.ImageSharp.Memory.InvalidMemoryOperationException)
        {
            log.LogWarning("Cannot render {File}: {Message}", file, e.Message);
            return (OverlayRenderer.Placeholder(size), $"image '{top.Path}' cannot be read: {e.Message}");
        }
    }

    private Thumbnail Cached(string key, Func<(Image<Rgb24> Image, string? Problem)> render)
    {
        var file = Path.Combine(paths.CacheFolder, "thumbs", key[..2], key + ".png");
        if (File.Exists(file))
        {
            try { return new Thumbnail(File.ReadAllBytes(file), Quote(key), null); }
            catch (IOException) { /* being replaced right now: render again */ }
        }
        var (image, problem) = render();
        byte[] png;
        using (image)
        using (var ms = new MemoryStream())
        {
            image.SaveAsPng(ms);
            png = ms.ToArray();
        }
        // Placeholders are not cached: the dataset may come back.
        if (problem is null)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                var tmp = file + "." + Guid.NewGuid().ToString("N") + ".tmp";
                File.WriteAllBytes(tmp, png);
                File.Move(tmp, file, overwrite: true);
            }
            catch (IOException e) { log.LogWarning("Cannot cache thumbnail {File}: {Message}", file, e.Message); }
        }
        return new Thumbnail(png, Quote(problem is null ? key : "p" + key), problem);
    }

    private static string Key(RunInfo run, string layer, UnitResult unit, TopImage top, int size)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(
            $"{Version}|{run.Id}|{run.CreatedUtc.Ticks}|{run.Dataset}|{layer}|{unit.Unit}|{top.ImageIndex}|{top.Path}|{size}|{unit.Threshold:R}|{top.MapHeight}x{top.MapWidth}|"));
        sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(top.Map.AsSpan()));
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..40];
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..40];

    private static string Quote(string key) => "\"" + key + "\"";
}
