// DissectionRun end to end on real parts: a tiny Broden dataset written to a temp folder (PNG images, 8x8 label PNGs,
// two planes in one cell, image-level scene labels, a corrupt image), a real TorchSharp Conv2d+ReLU wrapped as a
// LoadedModel and retained by its instrumented model, checked against the brute-force oracle for PNAS (CVPR17:
// LiteRulesTests).
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Models;
using Dissection.Core.Tests.Datasets;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Dissection;

public sealed class DissectionRunTests : IDisposable
{
    private const int Images = 9, Corrupt = 4;
    private readonly string _root = Directory.CreateTempSubdirectory("dissect-run-").FullName;

    public void Dispose() { try { Directory.Delete(_root, recursive: true); } catch (IOException) { } }

    /// <summary>Writes the dataset; pixels are 0 or 255 so that the decoded floats (0, 1) keep the conv exact.</summary>
    private ConceptDataset WriteBroden()
    {
        var images = Path.Combine(_root, "images");
        Directory.CreateDirectory(images);
        File.WriteAllText(Path.Combine(_root, "label.csv"), "number,name,category,frequency,coverage,syns\n" +
            string.Join("\n", DissectionOracle.Concepts.Skip(1).Select(c => $"{c.Number},{c.Name},{c.Category}(1),1,0.1,{c.Name}")) + "\n");
        File.WriteAllText(Path.Combine(_root, "category.csv"), "name,first,last,count,frequency\n" +
            string.Join("\n", DissectionOracle.Categories.Select(c => $"{c},1,7,1,1")) + "\n");
        var rng = new Random(17);
        var rows = new List<string>();
        const int seg = DissectionOracle.Seg;
        for (var i = 0; i < Images; i++)
        {
            var name = $"img{i}";
            if (i == Corrupt) File.WriteAllBytes(Path.Combine(images, name + ".png"), [1, 2, 3, 4, 5]);
            else
            {
                using var image = new Image<Rgb24>(16, 16);
                for (var y = 0; y < 16; y++) for (var x = 0; x < 16; x++)
                    image[x, y] = new Rgb24((byte)(rng.Next(2) * 255), (byte)(rng.Next(2) * 255), (byte)(rng.Next(2) * 255));
                image.SaveAsPng(Path.Combine(images, name + ".png"));
            }
            var color = Enumerable.Range(0, seg * seg).Select(_ => rng.Next(3)).ToArray();
            var obj = Enumerable.Range(0, seg * seg).Select(p => (p / seg < 4) == (i % 2 == 0) ? 3 : rng.Next(2) == 0 ? 4 : 0).ToArray();
            var obj2 = (int[])obj.Clone();
            obj2[0] = 4;
            var part = Enumerable.Range(0, seg * seg).Select(_ => rng.Next(3) == 0 ? 5 : 0).ToArray();
            BrodenFixture.WriteLabelPng(Path.Combine(images, name + "_color.png"), seg, seg, color);
            BrodenFixture.WriteLabelPng(Path.Combine(images, name + "_obj.png"), seg, seg, obj);
            BrodenFixture.WriteLabelPng(Path.Combine(images, name + "_obj2.png"), seg, seg, obj2);
            BrodenFixture.WriteLabelPng(Path.Combine(images, name + "_part.png"), seg, seg, part);
            var objects = i == 1 ? $"{name}_obj.png;{name}_obj2.png" : $"{name}_obj.png";   // two planes in one cell
            var parts = i % 3 == 2 ? "" : $"{name}_part.png";
            var scene = i % 3 == 0 ? "6" : i % 3 == 1 ? "7" : "";
            rows.Add($"{name}.png,{(i == 7 ? "val" : "train")},16,16,{seg},{seg},{name}_color.png,{objects},,{parts},{scene},");
        }
        File.WriteAllText(Path.Combine(_root, "index.csv"), BrodenFixture.Header + "\n" + string.Join("\n", rows) + "\n");
        return ConceptDataset.Open(_root);
    }

    private static LoadedModel Model(DissectionOracle oracle)
    {
        var conv = (nn.Module<Tensor, Tensor>)((nn.Module)oracle.Model).named_children().First().module;
        // PyTorch-style names: the probe resolves features.0 (a conv followed by a ReLU) to the ReLU's output.
        var module = nn.Sequential(("features", nn.Sequential(("0", conv), ("1", nn.ReLU()))));
        module.eval();
        return new LoadedModel(new ModelSpec("test-conv", null), module, new Preprocessing(16, [0f, 0f, 0f], [1f, 1f, 1f]), CPU, null, null);
    }

    [Theory]
    [InlineData(DissectionMethod.Pnas)]
    public void Run_on_a_Broden_folder_agrees_with_brute_force(DissectionMethod method)
    {
        var dataset = WriteBroden();
        using var oracle = new DissectionOracle(images: 1, seed: 42);
        // The oracle recomputes everything from the decoded dataset itself.
        oracle.Images.Clear(); oracle.Pixels.Clear(); oracle.Labels.Clear();
        var used = dataset.Images.Where(i => i.Split == "train" && i.Index != Corrupt).ToList();
        foreach (var img in used)
        {
            oracle.Images.Add(img);
            using var px = dataset.LoadImage(img, 16);
            var values = px.data<float>().ToArray();
            Assert.All(values, v => Assert.True(v is 0f or 1f));
            var arr = new float[3, 16, 16];
            Buffer.BlockCopy(values, 0, arr, 0, values.Length * sizeof(float));
            oracle.Pixels[img.Index] = arr;
            oracle.Labels[img.Index] = dataset.LoadLabels(img);
        }
        using var model = Model(oracle);
        var settings = new DissectionSettings { Quantile = 0.1, Method = method, BatchSize = 3, TopK = 3, TopConcepts = 4, Split = "train" };
        var layer = Assert.Single(DissectionRun.Execute(model, dataset, ["features.0"], settings));

        Assert.Equal(used.Count, layer.Images);
        Assert.Equal(["img4.png"], layer.SkippedImages);
        for (var u = 0; u < DissectionOracle.Units; u++)
        {
            var unit = layer.Units[u];
            var threshold = oracle.Threshold(used, u, 0.1);
            Assert.Equal(threshold, unit.Threshold);
            var ious = oracle.RankedIous(used, u, threshold);
            Assert.Equal(ious.Take(4).Select(p => (p.Concept, p.Iou)), unit.TopConcepts.Select(s => (s.Concept, s.Iou)));
            Assert.Equal(ious.FirstOrDefault().Concept, unit.Label?.Concept ?? 0);
            var top = oracle.TopK(used, u, 3);
            Assert.Equal(top.Select(t => t.Index), unit.TopImages.Select(t => t.ImageIndex));
            foreach (var t in unit.TopImages)
                Assert.Equal(oracle.RawMap(t.ImageIndex, u).Cast<double>().Select(v => (float)v), t.Map);
        }
    }

    [Fact]
    public void Fail_policy_names_the_corrupt_image_and_leaves_no_cache()
    {
        var dataset = WriteBroden();
        using var oracle = new DissectionOracle(images: 1, seed: 42);
        using var model = Model(oracle);
        var cache = Directory.CreateTempSubdirectory("dissect-cache-root-").FullName;
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => DissectionRun.Execute(model, dataset, ["features.0"],
                new DissectionSettings { OnBadImage = BadImagePolicy.Fail, BatchSize = 2 }, null, default, cache));
            Assert.Contains("img4.png", e.Message);
            Assert.Empty(Directory.EnumerateFileSystemEntries(cache));
        }
        finally { Directory.Delete(cache, recursive: true); }
    }

    [Fact]
    public void An_unknown_layer_is_refused_with_the_valid_names()
    {
        var dataset = WriteBroden();
        using var oracle = new DissectionOracle(images: 1, seed: 42);
        using var model = Model(oracle);
        var e = Assert.ThrowsAny<ArgumentException>(() => DissectionRun.Execute(model, dataset, ["nope"], new DissectionSettings()));
        Assert.Contains("features.0", e.Message);
    }
}
