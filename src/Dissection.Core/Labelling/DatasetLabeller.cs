// Turns any image folder into a Broden-format concept dataset by running a segmenter over it (the PNAS pipeline):
// images/ (copies of the sources and label PNGs, label = R + 256*G), index.csv, label.csv, category.csv and c_*.csv
// for the categories the segmenter provides. Resumable: every labelled image is recorded in the label cache as soon as
// its files exist, a re-run reuses unchanged images, and index.csv is written last (temp file + rename), so it never
// points at missing files.
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dissection.Core.Models;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using Dissection.Core.Work;
using static TorchSharp.torch;

using Dissection.Core.Datasets;

namespace Dissection.Core.Labelling;

/// <param name="Images">The folder of images to label (subfolders included).</param>
/// <param name="Output">The dataset folder to write; may already hold an earlier labelling of the same images.</param>
/// <param name="Size">Square size the images are segmented at and labels are stored at; null = the segmenter's own.</param>
/// <param name="Split">The split column of every row.</param>
/// <param name="SkipBadImages">Leave out unreadable images (listed in the summary) instead of stopping.</param>
public sealed record LabellingOptions(string Images, string Output, int? Size = null, int BatchSize = 16, string Split = "val",
    bool SkipBadImages = false);

/// <param name="Labelled">Images segmented in this run.</param>
/// <param name="Reused">Images whose labels came from the cache.</param>
/// <param name="BadImages">Unreadable images left out ("path: reason").</param>
/// <param name="OtherFiles">Files in the folder that are not images (by extension), ignored.</param>
public sealed record LabellingSummary(string Output, int Images, int Labelled, int Reused, IReadOnlyList<string> BadImages,
    int OtherFiles, int SegSize, TimeSpan Elapsed);

public static class DatasetLabeller
{
    public static readonly IReadOnlyList<string> ImageExtensions = [".jpg", ".jpeg", ".png", ".webp"];

    public static LabellingSummary Label(SegmenterSource segmenter, LabellingOptions o, IProgress<DissectionProgress>? progress = null,
        CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        if (!Directory.Exists(o.Images)) throw new DirectoryNotFoundException($"image folder '{Path.GetFullPath(o.Images)}' does not exist");
        var input = Path.GetFullPath(o.Images);
        var output = Path.GetFullPath(o.Output);
        if (PathsEqual(input, output)) throw new ArgumentException($"the output folder must differ from the image folder ({input})");
        var size = o.Size ?? segmenter.DefaultSize;
        if (size <= 0 || size > 1024 || size % segmenter.SizeMultiple != 0)
            throw new ArgumentException($"size {size} must be within 1..1024 and a multiple of {segmenter.SizeMultiple}");
        if (o.BatchSize < 1) throw new ArgumentException($"batch size must be positive, got {o.BatchSize}");
        if (string.IsNullOrWhiteSpace(o.Split) || o.Split.Contains(',')) throw new ArgumentException($"split '{o.Split}' must be a non-empty name without commas");

        var (sources, others) = ListImages(input, output);
        var imagesFolder = Path.Combine(output, BrodenFormat.ImagesFolder);
        PrepareOutput(output, imagesFolder);
        var categories = segmenter.Segmenter.PlaneCategories;
        var labelNames = LabelFileNames(sources, categories);
        var key = segmenter.Key(size);

        using var cache = LabelCache.Open(output, categories);
        var results = new LabelledImage?[sources.Count];
        var bad = new List<string>();
        int labelled = 0, reused = 0, done = 0;
        var per = 3 * size * size;
        for (var start = 0; start < sources.Count; start += o.BatchSize)
        {
            cancel.ThrowIfCancellationRequested();
            var batch = Enumerable.Range(start, Math.Min(o.BatchSize, sources.Count - start)).ToList();
            var pending = new List<(int Index, string Hash, int Height, int Width)>();
            var pixels = new float[batch.Count * per];
            foreach (var i in batch)
            {
                var path = Path.Combine(input, sources[i]);
                try
                {
                    var hash = HashFile(path);
                    if (cache.Find(sources[i], hash, key, size, imagesFolder) is { } hit) { results[i] = hit; reused++; continue; }
                    using var image = ImageDecoding.Load<Rgb24>(path);
                    var (h, w) = (image.Height, image.Width);
                    ImageDecoding.ResizeSquare(image, size);
                    ImageDecoding.CopyPlanarRgb(image, pixels, pending.Count * per);
                    pending.Add((i, hash, h, w));
                }
                catch (BadImageException e) when (o.SkipBadImages) { bad.Add($"{sources[i]}: {e.Reason}"); }
                catch (BadImageException e)
                {
                    throw new InvalidDataException($"{e.Message} (use --on-bad-image skip to leave such images out)", e);
                }
                catch (IOException e) when (o.SkipBadImages) { bad.Add($"{sources[i]}: unreadable: {e.Message}"); }
            }
            if (pending.Count > 0)
            {
                var planes = Segment(segmenter.Segmenter, pixels, pending.Count, size);
                for (var k = 0; k < pending.Count; k++)
                {
                    var (i, hash, h, w) = pending[k];
                    var entry = Write(input, imagesFolder, sources[i], labelNames[i], categories, planes[k], size, hash, key, h, w);
                    cache.Add(entry);
                    results[i] = entry;
                    labelled++;
                }
            }
            done += batch.Count;
            var seconds = Math.Max(1e-3, clock.Elapsed.TotalSeconds);
            progress?.Report(new DissectionProgress("labelling", done, sources.Count, done / seconds));
        }

        var kept = results.Where(r => r is not null).Select(r => r!).ToList();
        if (kept.Count == 0) throw new InvalidDataException($"{input}: none of the {sources.Count} images could be read");
        WriteTables(output, segmenter.Concepts, categories, kept, size);
        WriteIndex(output, categories, kept, o.Split);
        cache.Compact(kept);
        return new LabellingSummary(output, kept.Count, labelled, reused, bad, others.Count, size, clock.Elapsed);
    }

    /// <summary>Image files under the folder (relative, '/'-separated, ordinal order), and the other files.</summary>
    private static (List<string> Images, List<string> Others) ListImages(string input, string output)
    {
        var inside = Path.GetRelativePath(input, output).Replace('\\', '/');
        var skipPrefix = inside.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(inside) ? null : inside + "/";
        var all = BrodenReader.ListFiles(input)
            .Where(p => skipPrefix is null || !p.StartsWith(skipPrefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();
        var images = all.Where(IsImage).ToList();
        var others = all.Where(p => !IsImage(p)).ToList();
        if (images.Count == 0)
            throw new InvalidDataException(others.Count == 0
                ? $"{input}: the folder has no files; expected images ({string.Join(", ", ImageExtensions)})"
                : $"{input}: none of its {others.Count} files is an image ({string.Join(", ", ImageExtensions)}), e.g. {string.Join(", ", others.Take(3))}");
        return (images, others);
    }

    private static bool IsImage(string path) => ImageExtensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    private static void PrepareOutput(string output, string imagesFolder)
    {
        // Never overwrite a dataset this labeller did not make (e.g. the world itself).
        if (File.Exists(Path.Combine(output, "index.csv")) && !File.Exists(Path.Combine(output, LabelCache.FileName)))
            throw new ArgumentException($"{output} already holds a dataset that 'dissect label' did not write; choose another output folder");
        try
        {
            Directory.CreateDirectory(imagesFolder);
            // The index is rewritten at the end; until then the folder is not a finished dataset.
            File.Delete(Path.Combine(output, "index.csv"));
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new IOException($"cannot write the dataset to '{output}': {e.Message}", e);
        }
    }

    /// <summary>Label PNG names per image and category: "dir/stem_category.png" as in the world, or the full file name
    /// ("dir/a.jpg_category.png") where two images share a stem or a name would clash with an image.</summary>
    private static string[][] LabelFileNames(IReadOnlyList<string> sources, IReadOnlyList<string> categories)
    {
        static string Stem(string p) => p[..^Path.GetExtension(p).Length];
        var stems = sources.GroupBy(Stem, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
        var taken = new HashSet<string>(sources, StringComparer.OrdinalIgnoreCase);
        return sources.Select(s =>
        {
            var names = categories.Select(c => $"{Stem(s)}_{c}.png").ToArray();
            return stems[Stem(s)] > 1 || names.Any(taken.Contains) ? categories.Select(c => $"{s}_{c}.png").ToArray() : names;
        }).ToArray();
    }

    private static string HashFile(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadImageException(path, $"unreadable: {e.Message}", e);
        }
    }

    /// <summary>Per image, per plane: label numbers (size x size, row-major).</summary>
    private static int[][][] Segment(ISegmenter segmenter, float[] pixels, int count, int size)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var input = tensor(pixels.AsSpan(0, count * 3 * size * size).ToArray(), [count, 3L, size, size]);
        var planes = segmenter.SegmentPlanes(input);
        if (planes.dim() != 4 || planes.shape[0] != count || planes.shape[2] != size || planes.shape[3] != size)
            throw new InvalidDataException($"the segmenter returned shape ({string.Join(",", planes.shape)}) for {count} images of {size}x{size}");
        var p = (int)planes.shape[1];
        var all = planes.to(CPU).to_type(ScalarType.Int32).contiguous().data<int>().ToArray();
        var plane = size * size;
        var result = new int[count][][];
        for (var i = 0; i < count; i++)
        {
            result[i] = new int[p][];
            for (var k = 0; k < p; k++) result[i][k] = all.AsSpan((i * p + k) * plane, plane).ToArray();
        }
        return result;
    }

    private static readonly PngEncoder Png = new()
    {
        ColorType = PngColorType.Rgb, BitDepth = PngBitDepth.Bit8, CompressionLevel = PngCompressionLevel.BestSpeed,
    };

    /// <summary>Copies the image, writes one label PNG per non-empty plane and returns the cache entry.</summary>
    private static LabelledImage Write(string input, string imagesFolder, string source, string[] names, IReadOnlyList<string> categories,
        int[][] planes, int size, string hash, string key, int height, int width)
    {
        var target = Path.Combine(imagesFolder, source);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(Path.Combine(input, source), target, overwrite: true);
        var counts = new Dictionary<int, long>();
        var cells = new string[categories.Count];
        for (var k = 0; k < categories.Count; k++)
        {
            var plane = planes[k];
            var any = false;
            var bytes = new byte[plane.Length * 3];
            for (var j = 0; j < plane.Length; j++)
            {
                var v = plane[j];
                if (v == 0) continue;
                if (v < 0 || v > 65535) throw new InvalidDataException($"the segmenter returned label {v} for {source}; labels must be 0..65535");
                any = true;
                counts[v] = counts.GetValueOrDefault(v) + 1;
                bytes[3 * j] = (byte)(v & 255);
                bytes[3 * j + 1] = (byte)(v >> 8);
            }
            cells[k] = any ? names[k] : "";
            if (!any) continue;
            using var image = Image.LoadPixelData<Rgb24>(bytes, size, size);
            image.SaveAsPng(Path.Combine(imagesFolder, names[k]), Png);
        }
        return new LabelledImage(source, hash, key, height, width, size, cells, counts);
    }

    private static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static void WriteTables(string output, IReadOnlyList<Concept> concepts, IReadOnlyList<string> categories,
        IReadOnlyList<LabelledImage> images, int size)
    {
        var segPixels = (double)size * size;
        var pixels = new Dictionary<int, long>();
        var frequency = new Dictionary<int, int>();
        foreach (var image in images)
            foreach (var (n, c) in image.PixelCounts)
            {
                pixels[n] = pixels.GetValueOrDefault(n) + c;
                frequency[n] = frequency.GetValueOrDefault(n) + 1;
            }
        var label = new StringBuilder("number,name,category,frequency,coverage,syns\n");
        foreach (var c in concepts)
        {
            var f = frequency.GetValueOrDefault(c.Number);
            label.Append(CultureInfo.InvariantCulture, $"{c.Number},{LabelCache.Quote(c.Name)},{c.Category}({f}),{f},{F(pixels.GetValueOrDefault(c.Number) / segPixels)},{LabelCache.Quote(c.Name)}\n");
        }
        File.WriteAllText(Path.Combine(output, "label.csv"), label.ToString());

        var category = new StringBuilder("name,first,last,count,frequency\n");
        for (var k = 0; k < categories.Count; k++)
        {
            var members = concepts.Where(c => c.Category == categories[k]).ToList();
            var withPlane = images.Count(i => i.Cells[k].Length > 0);
            if (members.Count > 0)
                category.Append(CultureInfo.InvariantCulture, $"{categories[k]},{members[0].Number},{members[^1].Number},{members.Count},{withPlane}\n");
            var table = new StringBuilder("code,number,name,frequency,coverage\n");
            for (var m = 0; m < members.Count; m++)
                table.Append(CultureInfo.InvariantCulture,
                    $"{m + 1},{members[m].Number},{LabelCache.Quote(members[m].Name)},{frequency.GetValueOrDefault(members[m].Number)},{F(pixels.GetValueOrDefault(members[m].Number) / segPixels)}\n");
            File.WriteAllText(Path.Combine(output, $"c_{categories[k]}.csv"), table.ToString());
        }
        File.WriteAllText(Path.Combine(output, "category.csv"), category.ToString());
    }

    private static void WriteIndex(string output, IReadOnlyList<string> categories, IReadOnlyList<LabelledImage> images, string split)
    {
        var sb = new StringBuilder("image,split,ih,iw,sh,sw," + string.Join(',', categories) + "\n");
        foreach (var e in images)
        {
            var fields = new List<string> { e.Source, split, I(e.ImageHeight), I(e.ImageWidth), I(e.SegSize), I(e.SegSize) };
            fields.AddRange(e.Cells);
            sb.Append(string.Join(',', fields.Select(LabelCache.Quote))).Append('\n');
        }
        var index = Path.Combine(output, "index.csv");
        var tmp = index + ".tmp";
        File.WriteAllText(tmp, sb.ToString());
        File.Move(tmp, index, overwrite: true);
    }

    private static bool PathsEqual(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(a), Path.TrimEndingDirectorySeparator(b), StringComparison.Ordinal);
}
