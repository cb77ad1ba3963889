// `dissect label`'s engine: an image folder labelled by the shipped world segmenter becomes a Broden dataset that the
// project's own reader opens, with exactly the segmenter's labels; a second run reuses the cache; bad input is named.
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Models;
using Dissection.Core.World;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Dissection.Core.Work;
using Dissection.Core.Labelling;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Datasets;

public sealed class SegmenterDatasetTests : IDisposable
{
    private readonly TempDir _tmp = new();
    private string Photos => _tmp.File("photos");
    private string Output => _tmp.File("labelled");

    private static string ShippedSegmenter() => RepositoryFiles.Path("data/models/world-seg.pt");

    /// <summary>A few world images (JPEG, as the world writes them) in a plain folder with a subfolder, no labels.</summary>
    private void WritePhotos(int count = 6)
    {
        var world = _tmp.File("world");
        WorldGenerator.Generate(new WorldOptions(world, Count: count, Size: 128, Seed: 5, Threads: 1));
        Directory.CreateDirectory(Path.Combine(Photos, "more"));
        for (var i = 0; i < count; i++)
        {
            var name = $"{i:D6}.jpg";
            File.Copy(Path.Combine(world, "images", name), Path.Combine(Photos, i % 2 == 0 ? "" : "more", name));
        }
    }

    private static LabellingSummary Label(SegmenterSource s, string images, string output, bool skip = false) =>
        DatasetLabeller.Label(s, new LabellingOptions(images, output, BatchSize: 4, SkipBadImages: skip));

    [Fact]
    public void Labelled_folder_reads_back_with_exactly_the_segmenters_labels_and_reruns_from_the_cache()
    {
        WritePhotos();
        using var seg = SegmenterSource.Load("world-seg:" + ShippedSegmenter());
        var progress = new List<DissectionProgress>();
        var first = DatasetLabeller.Label(seg, new LabellingOptions(Photos, Output, BatchSize: 4), new SyncProgress(progress.Add));
        Assert.Equal((6, 6, 0), (first.Images, first.Labelled, first.Reused));
        Assert.Equal(6, progress[^1].Done);

        var dataset = ConceptDataset.Open(Output);
        Assert.True(dataset.HasLabels);
        Assert.Equal(6, dataset.Images.Count);
        Assert.Equal(seg.Segmenter.PlaneCategories, dataset.Categories);
        // Every concept keeps the world's number, name and category, so results compare with world dissections.
        foreach (var c in dataset.Concepts.Skip(1).Where(c => c.Name != "-" && c.Category != ""))
        {
            Assert.Equal(WorldCatalog.Concepts[c.Number].Name, c.Name);
            Assert.Equal(WorldCatalog.Concepts[c.Number].Category, c.Category);
        }

        // Oracle: the segmenter itself on the same images, decoded and resized the same way.
        foreach (var image in dataset.Images)
        {
            Assert.Equal((128, 128, 64, 64), (image.Height, image.Width, image.SegHeight, image.SegWidth));
            using var scope = NewDisposeScope();
            var pixels = dataset.LoadImage(image, 64).unsqueeze(0);
            var expected = seg.Segmenter.Segment(pixels)[0];
            var stored = dataset.LoadLabels(image);
            for (var p = 0; p < seg.Segmenter.PlaneCategories.Count; p++)
            {
                var category = seg.Segmenter.PlaneCategories[p];
                var k = stored.Categories.ToList().IndexOf(category);
                // An absent plane means the segmenter found nothing of that category in the image.
                var actual = k < 0 ? new int[64 * 64] : stored.Planes[k];
                Assert.Equal(expected.Planes[p], actual);
            }
            Assert.True(stored.Planes.Count > 0, $"{image.Path}: no labels at all");
        }

        // label.csv frequencies count the images whose planes hold the label (brute force over the stored planes).
        var labels = File.ReadAllLines(Path.Combine(Output, "label.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        var present = dataset.Images.Select(i => dataset.LoadLabels(i).Planes.SelectMany(p => p).ToHashSet()).ToList();
        Assert.Contains(labels, f => f[3] != "0");
        foreach (var f in labels)
            Assert.Equal(present.Count(s => s.Contains(int.Parse(f[0]))), int.Parse(f[3]));

        // A second run segments nothing, and the dataset is byte-identical.
        var before = Snapshot(Output);
        var second = Label(seg, Photos, Output);
        Assert.Equal((6, 0, 6), (second.Images, second.Labelled, second.Reused));
        Assert.Equal(before, Snapshot(Output));

        // A changed image is labelled again; the others still come from the cache.
        File.Copy(Path.Combine(Photos, "000000.jpg"), Path.Combine(Photos, "000002.jpg"), overwrite: true);
        var third = Label(seg, Photos, Output);
        Assert.Equal((6, 1, 5), (third.Images, third.Labelled, third.Reused));
        Assert.Equal(File.ReadAllBytes(Path.Combine(Photos, "000000.jpg")), File.ReadAllBytes(Path.Combine(Output, "images", "000002.jpg")));
    }

    [Fact]
    public void Interrupted_run_leaves_no_index_and_resumes_from_the_images_already_labelled()
    {
        WritePhotos(count: 8);
        using var seg = SegmenterSource.Load("world-seg:" + ShippedSegmenter());
        using var cancel = new CancellationTokenSource();
        // Cancel after the first batch of 4.
        var progress = new SyncProgress(p => { if (p.Done >= 4) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() =>
            DatasetLabeller.Label(seg, new LabellingOptions(Photos, Output, BatchSize: 4), progress, cancel.Token));
        Assert.False(File.Exists(Path.Combine(Output, "index.csv")));

        var resumed = Label(seg, Photos, Output);
        Assert.Equal((8, 4, 4), (resumed.Images, resumed.Labelled, resumed.Reused));
        Assert.Equal(8, ConceptDataset.Open(Output).Images.Count);
    }

    [Fact]
    public void Bad_input_gives_clear_errors()
    {
        using var seg = SegmenterSource.Load("world-seg:" + ShippedSegmenter());
        var missing = Assert.Throws<DirectoryNotFoundException>(() => Label(seg, _tmp.File("nowhere"), Output));
        Assert.Contains("nowhere", missing.Message);

        Directory.CreateDirectory(Photos);
        File.WriteAllText(Path.Combine(Photos, "notes.txt"), "not an image");
        var none = Assert.Throws<InvalidDataException>(() => Label(seg, Photos, Output));
        Assert.Contains("notes.txt", none.Message);
        Assert.Contains(".jpg", none.Message);

        // A renamed text file with an image extension: named, with the way out; skipping it works.
        WritePhotos(count: 2);
        File.WriteAllText(Path.Combine(Photos, "fake.png"), "not a png either");
        var bad = Assert.Throws<InvalidDataException>(() => Label(seg, Photos, Output));
        Assert.Contains("fake.png", bad.Message);
        Assert.Contains("--on-bad-image skip", bad.Message);
        Assert.False(File.Exists(Path.Combine(Output, "index.csv")));
        var skipped = Label(seg, Photos, Output, skip: true);
        Assert.Equal(2, skipped.Images);
        Assert.Single(skipped.BadImages, b => b.StartsWith("fake.png", StringComparison.Ordinal));
        Assert.Equal(1, skipped.OtherFiles);
        Assert.Equal(2, ConceptDataset.Open(Output).Images.Count);

        // Never overwrite a dataset the labeller did not write, nor the input itself.
        var world = _tmp.File("world");
        Assert.Contains("did not write", Assert.Throws<ArgumentException>(() => Label(seg, Photos, world)).Message);
        Assert.Throws<ArgumentException>(() => Label(seg, Photos, Photos));
        Assert.Contains("unknown segmenter kind", Assert.Throws<ArgumentException>(() => SegmenterSource.Load("deeplab:x.pt")).Message);
        Assert.Throws<FileNotFoundException>(() => SegmenterSource.Load("world-seg:" + _tmp.File("none.pt")));
        Assert.Contains("multiple of 8", Assert.Throws<ArgumentException>(() =>
            DatasetLabeller.Label(seg, new LabellingOptions(Photos, Output, Size: 60))).Message);
    }

    private static Dictionary<string, string> Snapshot(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))));

    /// <summary>Progress<T> posts to the thread pool; tests need the reports in order, on the calling thread.</summary>
    private sealed class SyncProgress(Action<DissectionProgress> report) : IProgress<DissectionProgress>
    {
        public void Report(DissectionProgress value) => report(value);
    }

    public void Dispose() => _tmp.Dispose();
}
