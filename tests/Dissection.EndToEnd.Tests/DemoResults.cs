// Test data on disk: a small Broden-style image folder with real PNGs, and a results database written through
// the real ResultsStore, with units whose top images and maps point at those PNGs.
using Dissection.Core.Dissection;
using Dissection.Core.Storage;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Dissection.EndToEnd.Tests;

public static class DemoResults
{
    public static readonly (string Name, string Category)[] Concepts =
    [
        ("tree", "object"), ("sky", "scene"), ("grass", "material"), ("wheel", "part"),
        ("red", "color"), ("striped", "texture"), ("car", "object"), ("building", "object"),
    ];

    public const int Images = 24, ImageSize = 64, MapSize = 8;

    /// <summary>Writes a small Broden-format dataset: images/ with each image a coloured background and a light
    /// square, a segmentation PNG labelling the square "tree" (object) and the rest "grass" (material), every other
    /// image with the scene label "street", plus index.csv and label.csv.</summary>
    public static void WriteDataset(string folder)
    {
        Directory.CreateDirectory(Path.Combine(folder, "images"));
        var index = new List<string> { "image,split,ih,iw,sh,sw,object,material,scene" };
        for (var i = 0; i < Images; i++)
        {
            using var img = new Image<Rgb24>(ImageSize, ImageSize);
            using var objectSeg = new Image<Rgb24>(ImageSize, ImageSize);
            using var materialSeg = new Image<Rgb24>(ImageSize, ImageSize);
            var bg = new Rgb24((byte)(40 + i * 7 % 200), (byte)(90 + i * 13 % 150), (byte)(160 - i * 5 % 120));
            var (sx, sy) = (i * 11 % 40, i * 17 % 40);
            for (var y = 0; y < ImageSize; y++)
                for (var x = 0; x < ImageSize; x++)
                {
                    var inSquare = x >= sx && x < sx + 24 && y >= sy && y < sy + 24;
                    img[x, y] = inSquare ? new Rgb24(250, 240, 200) : bg;
                    objectSeg[x, y] = new Rgb24((byte)(inSquare ? 1 : 0), 0, 0);
                    materialSeg[x, y] = new Rgb24((byte)(inSquare ? 0 : 3), 0, 0);
                }
            img.SaveAsPng(Path.Combine(folder, "images", $"img{i:D3}.png"));
            var png = new SixLabors.ImageSharp.Formats.Png.PngEncoder { ColorType = SixLabors.ImageSharp.Formats.Png.PngColorType.Rgb };
            objectSeg.SaveAsPng(Path.Combine(folder, "images", $"img{i:D3}_object.png"), png);
            materialSeg.SaveAsPng(Path.Combine(folder, "images", $"img{i:D3}_material.png"), png);
            index.Add($"img{i:D3}.png,val,{ImageSize},{ImageSize},{ImageSize},{ImageSize},img{i:D3}_object.png,img{i:D3}_material.png,{(i % 2 == 0 ? "2" : "")}");
        }
        File.WriteAllLines(Path.Combine(folder, "index.csv"), index);
        File.WriteAllLines(Path.Combine(folder, "label.csv"),
        [
            "number,name,category,frequency,coverage,syns",
            "1,tree,object(24),24,0.14,",
            "2,street,scene(12),12,1,",
            "3,grass,material(24),24,0.86,",
        ]);
    }

    /// <summary>A dataset whose index lists the images of <paramref name="source"/> <paramref name="copies"/> times
    /// (a Broden index may name a file on several rows): many images to dissect without writing many files.</summary>
    public static void WriteRepeatedDataset(string source, string folder, int copies)
    {
        Directory.CreateDirectory(Path.Combine(folder, "images"));
        foreach (var file in Directory.GetFiles(Path.Combine(source, "images")))
            File.Copy(file, Path.Combine(folder, "images", Path.GetFileName(file)), overwrite: true);
        File.Copy(Path.Combine(source, "label.csv"), Path.Combine(folder, "label.csv"), overwrite: true);
        var rows = File.ReadAllLines(Path.Combine(source, "index.csv"));
        File.WriteAllLines(Path.Combine(folder, "index.csv"), [rows[0], .. Enumerable.Repeat(rows.Skip(1), copies).SelectMany(r => r)]);
    }

    /// <summary>One finished run with two layers; returns its id.</summary>
    public static long WriteRun(ResultsStore store, string dataset, string name, int units5 = 48, int units3 = 16)
    {
        var settings = new DissectionSettings { TopK = 8 };
        var id = store.Runs.CreateRun(name, "world-vgg", dataset, ["conv3", "conv5"], settings);
        store.Runs.SetStatus(id, RunStatus.Running);
        store.Layers.SaveLayer(id, Layer("conv3", units3, 3));
        store.Layers.SaveLayer(id, Layer("conv5", units5, 5));
        store.Runs.SetStatus(id, RunStatus.Done, null, Images);
        return id;
    }

    private static LayerResult Layer(string name, int count, int seed)
    {
        var units = new List<UnitResult>();
        for (var u = 0; u < count; u++)
        {
            var (concept, category) = Concepts[(u * u * 7 + u * seed + u / 5) % Concepts.Length];
            // A spread of IoUs, some below the 0.04 cut-off, so filters have something to separate.
            var iou = 0.01 + (u * 37 % 23) / 100.0;
            var label = new ConceptScore(Array.FindIndex(Concepts, c => c.Name == concept) + 1, concept, category, iou);
            var second = Concepts[(u + 3) % Concepts.Length];
            var tops = new List<ConceptScore> { label, new(9, second.Name, second.Category, iou / 2) };
            var images = Enumerable.Range(0, 8).Select(r =>
            {
                var img = (u * 5 + r * 3) % Images;
                return new TopImage(img, $"img{img:D3}.png", 3f - r * 0.1f, MapSize, MapSize, Map(img));
            }).ToList();
            var counts = Enumerable.Range(0, 32).Select(b => (long)(10000 * Math.Exp(-b / 4.0)) + 1).ToArray();
            units.Add(new UnitResult(u, 1.5f, label, tops, [label], images, new ActivationHistogram(0f, 3f, counts)));
        }
        return new LayerResult(name, [count, MapSize, MapSize], units, Images, TimeSpan.FromSeconds(2));
    }

    /// <summary>A map that is high over the image's light square, so the overlay outlines it.</summary>
    private static float[] Map(int image)
    {
        var (sx, sy) = (image * 11 % 40, image * 17 % 40);
        var map = new float[MapSize * MapSize];
        var cell = ImageSize / MapSize;
        for (var y = 0; y < MapSize; y++)
            for (var x = 0; x < MapSize; x++)
            {
                var (cx, cy) = (x * cell + cell / 2, y * cell + cell / 2);
                map[y * MapSize + x] = cx >= sx && cx < sx + 24 && cy >= sy && cy < sy + 24 ? 3f : 0.2f;
            }
        return map;
    }
}
