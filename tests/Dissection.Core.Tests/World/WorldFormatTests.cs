// The generated world is a consistent Broden dataset: tables agree with each other and with the label PNGs,
// segmentations are half the image size, and a moderate sample shows the whole vocabulary.
using System.Globalization;
using Dissection.Core.World;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Dissection.Core.Tests.World;

public class WorldFormatTests : IClassFixture<WorldFormatTests.Sample>
{
    public sealed class Sample : IDisposable
    {
        internal readonly TempDir Tmp = new();
        public string Root => Tmp.File("world");
        public Sample() => WorldGenerator.Generate(new WorldOptions(Root, Count: 120, Size: 64, Seed: 3));
        public void Dispose() => Tmp.Dispose();
    }

    private readonly Sample _s;
    public WorldFormatTests(Sample s) => _s = s;

    private static List<string[]> Csv(string path) => File.ReadAllLines(path).Select(l => l.Split(',')).ToList();

    private static int[] ReadPng(string path, out int w, out int h)
    {
        using var img = Image.Load<Rgb24>(path);
        (w, h) = (img.Width, img.Height);
        var labels = new int[w * h];
        for (var y = 0; y < h; y++) for (var x = 0; x < w; x++) { var p = img[x, y]; labels[y * w + x] = p.R + 256 * p.G; }
        return labels;
    }

    [Fact]
    public void Tables_and_pngs_are_consistent()
    {
        var root = _s.Root;
        var index = Csv(System.IO.Path.Combine(root, "index.csv"));
        Assert.Equal("image,split,ih,iw,sh,sw,color,object,material,part,scene,texture", string.Join(',', index[0]));
        Assert.Equal(121, index.Count);

        var labels = Csv(System.IO.Path.Combine(root, "label.csv"));
        Assert.Equal("number,name,category,frequency,coverage,syns", string.Join(',', labels[0]));
        var byNumber = labels.Skip(1).ToDictionary(r => int.Parse(r[0], CultureInfo.InvariantCulture));
        Assert.Equal(byNumber.Count, byNumber.Values.Select(r => r[1]).Distinct().Count());
        Assert.DoesNotContain(0, byNumber.Keys);

        var freq = new Dictionary<int, int>();
        var splits = new HashSet<string>();
        foreach (var row in index.Skip(1))
        {
            Assert.True(File.Exists(System.IO.Path.Combine(root, "images", row[0])), row[0]);
            splits.Add(row[1]);
            Assert.Equal(["64", "64", "32", "32"], row[2..6]);
            for (var c = 6; c <= 9; c++)
            {
                if (row[c] == "") continue;
                var plane = ReadPng(System.IO.Path.Combine(root, "images", row[c]), out var w, out var h);
                Assert.Equal((32, 32), (w, h));
                var category = index[0][c];
                foreach (var l in plane.Where(v => v != 0).Distinct())
                {
                    Assert.True(byNumber.ContainsKey(l), $"{row[c]} has label {l}, which label.csv lacks");
                    Assert.StartsWith(category + "(", byNumber[l][2]);
                    freq[l] = freq.GetValueOrDefault(l) + 1;
                }
            }
            var scene = int.Parse(row[10], CultureInfo.InvariantCulture);
            Assert.StartsWith("scene(", byNumber[scene][2]);
            freq[scene] = freq.GetValueOrDefault(scene) + 1;
        }
        Assert.Equal(["train", "val"], splits.Order());
        foreach (var (n, r) in byNumber) Assert.Equal(freq.GetValueOrDefault(n), int.Parse(r[3], CultureInfo.InvariantCulture));

        var categories = Csv(System.IO.Path.Combine(root, "category.csv"));
        Assert.Equal("name,first,last,count,frequency", string.Join(',', categories[0]));
        foreach (var cat in categories.Skip(1))
        {
            var codes = Csv(System.IO.Path.Combine(root, $"c_{cat[0]}.csv"));
            Assert.Equal("code,number,name,frequency,coverage", string.Join(',', codes[0]));
            Assert.Equal(int.Parse(cat[3], CultureInfo.InvariantCulture), codes.Count - 1);
            for (var k = 1; k < codes.Count; k++)
            {
                Assert.Equal(k.ToString(CultureInfo.InvariantCulture), codes[k][0]);
                var n = int.Parse(codes[k][1], CultureInfo.InvariantCulture);
                Assert.Equal(byNumber[n][1], codes[k][2]);
                Assert.Equal(byNumber[n][3], codes[k][3]);
            }
        }
        Assert.True(File.Exists(System.IO.Path.Combine(root, "world.json")));
    }

    [Fact]
    public void Sample_shows_the_whole_vocabulary()
    {
        var labels = Csv(System.IO.Path.Combine(_s.Root, "label.csv")).Skip(1)
            .Where(r => int.Parse(r[3], CultureInfo.InvariantCulture) > 0).Select(r => r[2].Split('(')[0]).ToList();
        Assert.True(labels.Count(c => c == "scene") >= 8);
        Assert.True(labels.Count(c => c == "object") >= 20, $"{labels.Count(c => c == "object")} objects");
        Assert.True(labels.Count(c => c == "part") >= 8, $"{labels.Count(c => c == "part")} parts");
        Assert.True(labels.Count(c => c == "material") >= 6, $"{labels.Count(c => c == "material")} materials");
        Assert.Equal(11, labels.Count(c => c == "color"));
    }

    [Fact]
    public void Catalog_describes_every_concept_with_unique_numbers()
    {
        Assert.Equal(Enumerable.Range(0, WorldCatalog.Concepts.Count), WorldCatalog.Concepts.Select(c => c.Number));
        Assert.All(WorldCatalog.Concepts.Skip(1), c => Assert.False(string.IsNullOrWhiteSpace(c.Description)));
        Assert.Equal(WorldCatalog.Scenes.Select(s => s.Number).Order(), WorldCatalog.Scenes.Select(s => s.Number));
        Assert.Equal(Enumerable.Range(0, WorldCatalog.Scenes.Count), WorldCatalog.Scenes.Select(s => s.ClassIndex));
    }
}
