// Generates the synthetic world as a Broden-format dataset: images, per-pixel label PNGs (label = R + 256*G), the
// index/label/category tables and world.json. Images are independent (per-image random stream), so generation runs in
// parallel and stays byte-identical for a seed. index.csv is written last (temp file + rename): an interrupted run never
// leaves an index that points at missing files.
using System.Globalization;
using System.Text;
using System.Text.Json;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace Dissection.Core.World;

public static class WorldGenerator
{
    private static readonly string[] PixelCategories = ["color", "object", "material", "part"];

    public static WorldSummary Generate(WorldOptions options, IProgress<(int Done, int Total)>? progress = null, CancellationToken cancel = default)
    {
        options.Validate();
        var root = Path.GetFullPath(options.OutputDirectory);
        var images = Path.Combine(root, "images");
        PrepareFolder(root, images);

        var started = System.Diagnostics.Stopwatch.StartNew();
        var size = options.Size; var seg = options.EffectiveSegSize;
        var nLabels = WorldCatalog.Concepts.Count;
        var pixelCounts = new long[nLabels];
        var imageCounts = new int[nLabels];
        var categoryImages = new int[PixelCategories.Length];
        var rows = new string[options.Count];
        var done = 0;
        var jpeg = new JpegEncoder { Quality = options.JpegQuality };
        var png = new PngEncoder { ColorType = PngColorType.Rgb, BitDepth = PngBitDepth.Bit8, CompressionLevel = PngCompressionLevel.BestSpeed, FilterMethod = PngFilterMethod.None };
        var parallel = new ParallelOptions { CancellationToken = cancel, MaxDegreeOfParallelism = options.Threads > 0 ? options.Threads : Environment.ProcessorCount };

        Parallel.For(0, options.Count, parallel, () => (Pixels: new int[nLabels], Touched: new List<int>()), (index, _, local) =>
        {
            var img = WorldRenderer.Render(options.Seed, index, size, seg, options.ValFraction);
            var stem = index.ToString("D6", CultureInfo.InvariantCulture);
            using (var image = Image.LoadPixelData<Rgb24>(img.Rgb, size, size))
                image.SaveAsJpeg(Path.Combine(images, stem + ".jpg"), jpeg);
            var cells = new string[4];
            ushort[][] planes = [img.Color, img.Object, img.Material, img.Part];
            for (var c = 0; c < planes.Length; c++)
            {
                if (!Count(planes[c], local.Pixels, local.Touched, pixelCounts, imageCounts)) { cells[c] = ""; continue; }
                var name = $"{stem}_{PixelCategories[c]}.png";
                WriteLabelPng(Path.Combine(images, name), planes[c], seg, png);
                cells[c] = name;
                Interlocked.Increment(ref categoryImages[c]);
            }
            var scene = WorldCatalog.Scenes[img.SceneIndex].Number;
            Interlocked.Increment(ref imageCounts[scene]);
            Interlocked.Add(ref pixelCounts[scene], (long)seg * seg);
            rows[index] = string.Join(',', stem + ".jpg", img.IsVal ? "val" : "train", size, size, seg, seg,
                cells[0], cells[1], cells[2], cells[3], scene, "");
            var d = Interlocked.Increment(ref done);
            if (progress is not null && (d % 50 == 0 || d == options.Count)) progress.Report((d, options.Count));
            return local;
        }, _ => { });

        cancel.ThrowIfCancellationRequested();
        WriteTables(root, options, pixelCounts, imageCounts, categoryImages, (long)seg * seg);
        var index = Path.Combine(root, "index.csv");
        var tmp = index + ".tmp";
        var sb = new StringBuilder("image,split,ih,iw,sh,sw,color,object,material,part,scene,texture\n");
        foreach (var row in rows) sb.Append(row).Append('\n');
        File.WriteAllText(tmp, sb.ToString());
        File.Move(tmp, index, overwrite: true);
        return new WorldSummary(root, options.Count, size, seg, started.Elapsed);
    }

    private static void PrepareFolder(string root, string images)
    {
        try
        {
            Directory.CreateDirectory(images);
            // A previous world's index would point at files this run is about to replace: remove it first.
            File.Delete(Path.Combine(root, "index.csv"));
            var probe = Path.Combine(images, ".write-test");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new IOException($"cannot write the world to '{root}': {e.Message}", e);
        }
    }

    /// <summary>Adds one plane's label counts; returns false when the plane has no label at all.</summary>
    private static bool Count(ushort[] plane, int[] pixels, List<int> touched, long[] pixelCounts, int[] imageCounts)
    {
        touched.Clear();
        foreach (var v in plane)
        {
            if (v == 0) continue;
            if (pixels[v]++ == 0) touched.Add(v);
        }
        foreach (var v in touched)
        {
            Interlocked.Add(ref pixelCounts[v], pixels[v]);
            Interlocked.Increment(ref imageCounts[v]);
            pixels[v] = 0;
        }
        return touched.Count > 0;
    }

    private static void WriteLabelPng(string path, ushort[] plane, int seg, PngEncoder png)
    {
        var bytes = new byte[plane.Length * 3];
        for (var i = 0; i < plane.Length; i++) { bytes[3 * i] = (byte)(plane[i] & 255); bytes[3 * i + 1] = (byte)(plane[i] >> 8); }
        using var image = Image.LoadPixelData<Rgb24>(bytes, seg, seg);
        image.SaveAsPng(path, png);
    }

    private static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);

    private static void WriteTables(string root, WorldOptions options, long[] pixelCounts, int[] imageCounts, int[] categoryImages, long segPixels)
    {
        double Coverage(int n) => pixelCounts[n] / (double)segPixels;
        var label = new StringBuilder("number,name,category,frequency,coverage,syns\n");
        foreach (var c in WorldCatalog.Concepts.Skip(1))
            label.Append(CultureInfo.InvariantCulture, $"{c.Number},{c.Name},{c.Category}({imageCounts[c.Number]}),{imageCounts[c.Number]},{F(Coverage(c.Number))},{c.Name}\n");
        File.WriteAllText(Path.Combine(root, "label.csv"), label.ToString());

        var category = new StringBuilder("name,first,last,count,frequency\n");
        foreach (var cat in WorldCatalog.Categories)
        {
            var members = WorldCatalog.InCategory(cat).ToList();
            var catImages = cat == "scene" ? options.Count : categoryImages[Array.IndexOf(PixelCategories, cat)];
            category.Append(CultureInfo.InvariantCulture, $"{cat},{members[0].Number},{members[^1].Number},{members.Count},{catImages}\n");
            var c = new StringBuilder("code,number,name,frequency,coverage\n");
            for (var k = 0; k < members.Count; k++)
            {
                var m = members[k];
                c.Append(CultureInfo.InvariantCulture, $"{k + 1},{m.Number},{m.Name},{imageCounts[m.Number]},{F(Coverage(m.Number))}\n");
            }
            File.WriteAllText(Path.Combine(root, $"c_{cat}.csv"), c.ToString());
        }
        File.WriteAllText(Path.Combine(root, "category.csv"), category.ToString());

        var json = new
        {
            generator = "Dissection synthetic world",
            seed = options.Seed,
            count = options.Count,
            size = options.Size,
            segSize = options.EffectiveSegSize,
            scenes = WorldCatalog.Scenes.Select(s => new { s.Number, s.ClassIndex, s.Name, s.Description, s.TypicalObjects, images = imageCounts[s.Number] }),
            concepts = WorldCatalog.Concepts.Skip(1).Where(c => c.Category != "scene")
                .Select(c => new { c.Number, c.Name, c.Category, c.Description, frequency = imageCounts[c.Number], coverage = Math.Round(Coverage(c.Number), 4) }),
        };
        File.WriteAllText(Path.Combine(root, "world.json"),
            JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
    }
}
