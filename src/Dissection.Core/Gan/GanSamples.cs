// A z dataset made concrete: every sample generated, segmented, and written as a Broden-format folder (PNG images,
// label PNGs at the segmentation size, index.csv, label.csv). Generator dissection then runs the ordinary pipeline
// on it, and the dashboard's galleries read the generated images from it like from any dataset. The folder is a
// cache: gan.json records what made it (checkpoint hashes, seed, count, sizes), and a matching folder is reused.
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dissection.Core.Dissection;
using Dissection.Core.Models;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using Dissection.Core.Work;
using static TorchSharp.torch;

namespace Dissection.Core.Gan;

public static class GanSamples
{
    public const string ManifestFile = "gan.json";
    private const int FormatVersion = 1;

    /// <summary>data/gan/&lt;FolderName&gt;, relative to the working folder like data/results.db.</summary>
    public static string DefaultFolder(string generatorSpec, long seed, int count) =>
        Path.Combine("data", "gan", FolderName(generatorSpec, seed, count));

    /// <summary>&lt;checkpoint name&gt;-seed&lt;S&gt;-n&lt;N&gt;, with characters a folder name should not hold replaced.</summary>
    public static string FolderName(string generatorSpec, long seed, int count)
    {
        var stem = Path.GetFileNameWithoutExtension(CheckpointPath(generatorSpec));
        var safe = new string(stem.Select(ch => char.IsLetterOrDigit(ch) || ch is '-' or '_' or '.' ? ch : '_').ToArray());
        return $"{(safe.Length > 0 ? safe : "generator")}-seed{seed}-n{count}";
    }

    /// <summary>The reference's 64×64 for large generators; a smaller generator is segmented at its own size.</summary>
    public static int DefaultSegSize(int resolution) => Math.Min(resolution, 64);

    /// <summary>
    /// Writes (or reuses, when gan.json matches) the samples of latents FromSeed(ZDim, seed, count): images/NNNNNN.png,
    /// one label PNG per segmenter plane at segSize×segSize, index.csv and label.csv. index.csv and gan.json are
    /// written last, so an interrupted run never leaves a folder that looks complete.
    /// </summary>
    /// <exception cref="ArgumentException">count or sizes out of range, or a generator the segmenter cannot take.</exception>
    public static GanSampleSet Materialize(ProgressiveGenerator generator, string generatorSpec, LoadedSegmenter segmenter,
        long seed, int count, string folder, int? segSize = null, int batchSize = 16,
        IProgress<DissectionProgress>? progress = null, CancellationToken cancel = default)
    {
        var resolution = generator.Resolution;
        var seg = segSize ?? DefaultSegSize(resolution);
        if (count < 1) throw new ArgumentException($"the z dataset needs at least 1 sample, got {count}");
        if (seg < 1 || seg > resolution) throw new ArgumentException($"segmentation size must be in 1…{resolution} (the image size), got {seg}");
        if (resolution % 8 != 0) throw new ArgumentException($"the generator makes {resolution}×{resolution} images; the segmenter needs a side that is a multiple of 8");
        if (batchSize < 1) throw new ArgumentException($"batch size must be at least 1, got {batchSize}");
        var root = Path.GetFullPath(folder);
        var set = new GanSampleSet(generatorSpec, segmenter.Spec, seed, count, generator.ZDim, resolution, seg, root);
        var manifest = Manifest(set);
        var manifestPath = Path.Combine(root, ManifestFile);
        var indexPath = Path.Combine(root, "index.csv");
        if (File.Exists(indexPath) && File.Exists(manifestPath) && File.ReadAllText(manifestPath) == manifest) return set;

        var images = Path.Combine(root, "images");
        Directory.CreateDirectory(images);
        File.Delete(manifestPath);
        File.Delete(indexPath);

        var planes = segmenter.Segmenter.PlaneCategories;
        var concepts = segmenter.Concepts;
        var imageCounts = new int[concepts.Count];
        var pixelCounts = new long[concepts.Count];
        var rows = new string[count];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var png = new PngEncoder { ColorType = PngColorType.Rgb, BitDepth = PngBitDepth.Bit8, CompressionLevel = PngCompressionLevel.BestSpeed };
        using var z = ZDataset.FromSeed(generator.ZDim, seed, count);
        using var noGrad = no_grad();
        progress?.Report(new DissectionProgress("generating samples", 0, count, 0));
        foreach (var (start, zb) in z.Batches(batchSize))
        {
            cancel.ThrowIfCancellationRequested();
            byte[] rgb;
            int[] labels;
            int n;
            using (NewDisposeScope())
            {
                using var _ = zb;
                var output = generator.call(zb);
                n = (int)output.shape[0];
                var unit = GeneratedImages.ToUnitRange(output);
                rgb = (unit * 255f).round().clamp(0, 255).to_type(ScalarType.Byte).permute(0, 2, 3, 1).contiguous().data<byte>().ToArray();
                labels = Nearest(segmenter.Segmenter.SegmentPlanes(unit), seg).to(CPU).to_type(ScalarType.Int32).contiguous().data<int>().ToArray();
            }
            var p = planes.Count;
            var plane = seg * seg;
            Parallel.For(0, n, new ParallelOptions { CancellationToken = cancel }, i =>
            {
                var index = start + i;
                var stem = index.ToString("D6", CultureInfo.InvariantCulture);
                using (var image = Image.LoadPixelData<Rgb24>(rgb.AsSpan(i * 3 * resolution * resolution, 3 * resolution * resolution), resolution, resolution))
                    image.SaveAsPng(Path.Combine(images, stem + ".png"), png);
                var cells = new string[p];
                for (var k = 0; k < p; k++)
                {
                    var values = labels.AsSpan((i * p + k) * plane, plane);
                    if (!Tally(values, imageCounts, pixelCounts)) { cells[k] = ""; continue; }
                    var name = $"{stem}_{planes[k]}.png";
                    WriteLabelPng(Path.Combine(images, name), values, seg, png);
                    cells[k] = name;
                }
                rows[index] = string.Join(',', [stem + ".png", "train", resolution.ToString(CultureInfo.InvariantCulture),
                    resolution.ToString(CultureInfo.InvariantCulture), seg.ToString(CultureInfo.InvariantCulture),
                    seg.ToString(CultureInfo.InvariantCulture), .. cells]);
            });
            var done = start + n;
            progress?.Report(new DissectionProgress("generating samples", done, count, done / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
        }

        WriteLabelTable(root, concepts, imageCounts, pixelCounts, (long)count * seg * seg);
        var index = new StringBuilder($"image,split,ih,iw,sh,sw,{string.Join(',', planes)}\n");
        foreach (var row in rows) index.Append(row).Append('\n');
        File.WriteAllText(indexPath + ".tmp", index.ToString());
        File.Move(indexPath + ".tmp", indexPath, overwrite: true);
        File.WriteAllText(manifestPath, manifest);
        return set;
    }

    /// <summary>Label planes (N,P,H,W) reduced to (N,P,S,S) by the Broden reader's nearest rule, floor((t+0.5)·H/S).</summary>
    internal static Tensor Nearest(Tensor planes, int size)
    {
        var h = planes.shape[2];
        if (h == size && planes.shape[3] == size) return planes;
        using var scope = NewDisposeScope();
        var rowsIndex = tensor(Enumerable.Range(0, size).Select(t => (long)Math.Floor((t + 0.5) * h / size)).ToArray(), device: planes.device);
        var colsIndex = tensor(Enumerable.Range(0, size).Select(t => (long)Math.Floor((t + 0.5) * planes.shape[3] / size)).ToArray(), device: planes.device);
        return planes.index_select(2, rowsIndex).index_select(3, colsIndex).MoveToOuterDisposeScope();
    }

    /// <summary>The path part of "arch:PATH" (or the spec itself when it is a file or has no arch).</summary>
    internal static string CheckpointPath(string spec)
    {
        var colon = spec.IndexOf(':');
        return colon > 0 && !File.Exists(spec) ? spec[(colon + 1)..].Trim() : spec;
    }

    private static string Manifest(GanSampleSet set) => JsonSerializer.Serialize(new
    {
        version = FormatVersion,
        set.Generator,
        generatorSha256 = FileHash(CheckpointPath(set.Generator)),
        set.Segmenter,
        segmenterSha256 = FileHash(CheckpointPath(set.Segmenter)),
        set.Seed,
        set.Count,
        set.ZDim,
        set.Resolution,
        set.SegSize,
    }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase });

    /// <summary>SHA-256 of a checkpoint file, so a retrained generator under the same name regenerates the samples.</summary>
    private static string FileHash(string path)
    {
        if (!File.Exists(path)) return "";
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    /// <summary>Adds one plane's labels to the counts; false when the plane has no label at all.</summary>
    private static bool Tally(ReadOnlySpan<int> plane, int[] imageCounts, long[] pixelCounts)
    {
        var seen = new Dictionary<int, int>();
        foreach (var v in plane)
            if (v > 0 && v < imageCounts.Length) seen[v] = seen.GetValueOrDefault(v) + 1;
        foreach (var (label, pixels) in seen)
        {
            Interlocked.Increment(ref imageCounts[label]);
            Interlocked.Add(ref pixelCounts[label], pixels);
        }
        return seen.Count > 0;
    }

    private static void WriteLabelPng(string path, ReadOnlySpan<int> plane, int size, PngEncoder png)
    {
        var bytes = new byte[plane.Length * 3];
        for (var i = 0; i < plane.Length; i++) { bytes[3 * i] = (byte)(plane[i] & 255); bytes[3 * i + 1] = (byte)(plane[i] >> 8); }
        using var image = Image.LoadPixelData<Rgb24>(bytes, size, size);
        image.SaveAsPng(path, png);
    }

    private static void WriteLabelTable(string root, IReadOnlyList<Datasets.Concept> concepts, int[] imageCounts, long[] pixelCounts, long totalPixels)
    {
        var label = new StringBuilder("number,name,category,frequency,coverage,syns\n");
        foreach (var c in concepts.Skip(1).Where(c => c.Name.Length > 0))
        {
            var coverage = (pixelCounts[c.Number] / (double)totalPixels).ToString("0.######", CultureInfo.InvariantCulture);
            label.Append(CultureInfo.InvariantCulture, $"{c.Number},{Csv(c.Name)},{c.Category}({imageCounts[c.Number]}),{imageCounts[c.Number]},{coverage},{Csv(c.Name)}\n");
        }
        File.WriteAllText(Path.Combine(root, "label.csv"), label.ToString());
    }

    private static string Csv(string s) => s.Contains(',') || s.Contains('"') ? $"\"{s.Replace("\"", "\"\"")}\"" : s;
}
