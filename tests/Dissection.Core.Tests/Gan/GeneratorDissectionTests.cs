// Generator dissection end to end on a tiny random generator and a rule segmenter: the sample folder holds exactly
// the generated images and their segmentations, and the pipeline's thresholds and IoUs equal a brute-force
// computation (sort for the top-1 % level, loops for the IoU summed over the dataset).
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Gan;
using Dissection.Core.Storage;
using Dissection.Core.Tallies;
using Dissection.Core.Tests.Storage;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Dissection.Core.Models;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Gan;

public sealed class GeneratorDissectionTests : IDisposable
{
    private const int Samples = 40;
    private readonly TempDir _dir = new();
    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Sample_folder_holds_the_generated_images_and_their_segmentation()
    {
        using var g = GanFixture.Generator();
        using var seg = GanFixture.Segmenter();
        var folder = Path.Combine(_dir.Path, "samples");
        var set = GanSamples.Materialize(g, "proggan:tiny.pth", seg, seed: 3, count: 6, folder, segSize: 4, batchSize: 4);
        Assert.Equal(new GanSampleSet("proggan:tiny.pth", "rule-segmenter", 3, 6, 8, 8, 4, Path.GetFullPath(folder)), set);

        var ds = ConceptDataset.Open(folder);
        Assert.Equal(6, ds.Images.Count);
        Assert.Contains("object", ds.Categories);
        Assert.Contains("color", ds.Categories);
        Assert.Equal("sky", ds.Concepts[1].Name);
        using var z = ZDataset.FromSeed(8, 3, 6);
        using var _ = no_grad();
        for (var i = 0; i < 6; i++)
        {
            using var zi = z.Batch(i, 1);
            using var output = g.call(zi);
            using var expected = GeneratedImages.ToImage(output[0]);
            using var written = Image.Load<Rgb24>(ds.ImagePath(ds.Images[i]));
            for (var y = 0; y < 8; y++) for (var x = 0; x < 8; x++) Assert.Equal(expected[x, y], written[x, y]);

            // Labels: the segmenter on the image, nearest-reduced to 4×4 (pixel floor((t+0.5)·2) = 2t+1).
            using var planes = seg.Segmenter.SegmentPlanes(GeneratedImages.ToUnitRange(output));
            var labels = ds.LoadLabels(ds.Images[i]);
            Assert.Equal(4, labels.SegHeight);
            var obj = planes[0, 0].data<long>().ToArray();
            var color = planes[0, 1].data<long>().ToArray();
            for (var p = 0; p < 16; p++)
            {
                var source = (2 * (p / 4) + 1) * 8 + 2 * (p % 4) + 1;
                var want = new[] { (int)obj[source], (int)color[source] }.Where(l => l != 0).Order();
                Assert.Equal(want, labels.Planes.Select(pl => pl[p]).Where(l => l != 0).Order());
            }
        }
    }

    [Fact]
    public void A_matching_folder_is_reused_and_another_seed_regenerates_it()
    {
        using var g = GanFixture.Generator();
        using var seg = GanFixture.Segmenter();
        var folder = Path.Combine(_dir.Path, "samples");
        GanSamples.Materialize(g, "proggan:tiny.pth", seg, 3, 5, folder);
        var index = Path.Combine(folder, "index.csv");
        var stamp = DateTime.UtcNow.AddDays(-1);
        File.SetLastWriteTimeUtc(index, stamp);
        GanSamples.Materialize(g, "proggan:tiny.pth", seg, 3, 5, folder);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(index));

        var first = File.ReadAllBytes(Path.Combine(folder, "images", "000000.png"));
        GanSamples.Materialize(g, "proggan:tiny.pth", seg, 4, 5, folder);
        Assert.NotEqual(stamp, File.GetLastWriteTimeUtc(index));
        Assert.NotEqual(first, File.ReadAllBytes(Path.Combine(folder, "images", "000000.png")));
    }

    [Fact]
    public void Thresholds_and_ious_equal_brute_force()
    {
        using var g = GanFixture.Generator();
        using var seg = GanFixture.Segmenter();
        var folder = Path.Combine(_dir.Path, "samples");
        var set = GanSamples.Materialize(g, "proggan:tiny.pth", seg, seed: 11, count: Samples, folder);
        var ds = ConceptDataset.Open(folder);
        using var z = ZDataset.FromSeed(8, 11, Samples);
        var settings = new DissectionSettings { BatchSize = 7, TopK = 3 };
        string[] layers = ["layer2", "layer3"];
        var results = GeneratorDissection.Execute(g, ds, z, layers, settings, cacheRoot: _dir.Path);

        var labels = ds.Images.Select(ds.LoadLabels).ToList();
        foreach (var result in results)
        {
            var acts = BlockOutputs(g, z, result.Layer);          // (N,U,h,w) by running the blocks by hand
            var units = (int)acts.shape[1];
            Assert.Equal(units, result.Units.Count);
            Assert.Equal(Samples, result.Images);
            // Upsampled to the 8×8 segmentation, after the pipeline's fp16 rounding of captured activations, and rounded
            // to fp16 again as the pipeline defines upsampled values.
            using var up = BilinearUpsampling.Apply(acts.to(ScalarType.Float16).to(ScalarType.Float32), 8, 8);
            for (var u = 0; u < units; u++)
            {
                var values = up.select(1, u).contiguous().data<float>().ToArray().Select(v => (float)(Half)v).ToArray();   // N·64, image-major
                var r = result.Units[u];
                var threshold = values.OrderByDescending(v => v).ElementAt((int)Math.Floor(0.01 * values.Length));
                // torch's float32 upsampling may differ from the engine's in the last bit, which can move a value across
                // an fp16 rounding boundary: within one fp16 step.
                Assert.InRange((double)Math.Abs(threshold - r.Threshold), 0.0, 1e-3 * Math.Max(1.0, Math.Abs(threshold)));

                foreach (var concept in GanFixture.Concepts.Skip(1))
                {
                    // Pixels within float rounding of the threshold could fall either way: bracket the IoU.
                    var (low, high) = IouBracket(values, labels, concept.Number, r.Threshold);
                    var got = r.TopConcepts.FirstOrDefault(k => k.Concept == concept.Number)?.Iou ?? 0;
                    Assert.InRange(got, low - 1e-12, high + 1e-12);
                }
                var best = r.TopConcepts.Count > 0 ? r.TopConcepts[0] : null;
                Assert.Equal(best, r.Label);
                // Top images ranked by the raw map's spatial max, pointing at the sample files.
                var maxes = Enumerable.Range(0, Samples).Select(i => acts[i, u].to(ScalarType.Float16).to(ScalarType.Float32).max().item<float>()).ToList();
                var expectedTop = Enumerable.Range(0, Samples).OrderByDescending(i => maxes[i]).ThenBy(i => i).Take(3).ToList();
                Assert.Equal(expectedTop.Select(i => maxes[i]), r.TopImages.Select(t => t.Activation));
                Assert.All(r.TopImages, t => Assert.Equal(ds.Images[t.ImageIndex].Path, t.Path));
            }
        }
        Assert.Equal(Samples, set.Count);
    }

    [Fact]
    public void Saved_run_keeps_every_concept_iou_and_trims_the_units_top_concepts()
    {
        using var g = GanFixture.Generator();
        using var seg = GanFixture.Segmenter();
        var folder = Path.Combine(_dir.Path, "samples");
        var set = GanSamples.Materialize(g, "proggan:tiny.pth", seg, 11, 20, folder);
        using var z = ZDataset.FromSeed(8, 11, 20);
        var settings = new DissectionSettings { BatchSize = 8, TopConcepts = 1 };
        var results = GeneratorDissection.Execute(g, ConceptDataset.Open(folder), z, ["layer3"], settings, cacheRoot: _dir.Path);

        using var db = new TempDatabase();
        var store = db.Open();
        var run = store.Runs.CreateRun("gan", "proggan:tiny.pth", set.Folder, ["layer3"], settings);
        store.Gan.SaveDissection(run, set, results, settings.TopConcepts);

        Assert.Equal(set, store.Gan.GetGanRun(run));
        Assert.Equal(run, Assert.Single(store.Gan.GetGanRuns("proggan:tiny.pth")).RunId);
        Assert.Empty(store.Gan.GetGanRuns("proggan:other.pth"));
        var saved = store.Layers.GetLayer(run, "layer3")!;
        Assert.All(saved.Units, u => Assert.True(u.TopConcepts.Count <= 1));
        foreach (var concept in new[] { "sky", "grass", "red" })
        {
            var expected = results[0].Units
                .Select(u => (u.Unit, Iou: u.TopConcepts.FirstOrDefault(k => k.Name == concept)?.Iou ?? 0, u.Threshold))
                .Where(x => x.Iou > 0).OrderByDescending(x => x.Iou).ThenBy(x => x.Unit).ToList();
            var ranked = store.Gan.GetConceptUnits(run, "layer3", concept);
            Assert.Equal(expected.Select(x => x.Unit), ranked.Select(x => x.Unit));
            Assert.Equal(expected.Select(x => x.Iou), ranked.Select(x => x.Iou));
            Assert.Equal(expected.Select(x => x.Threshold), ranked.Select(x => x.Level));
            Assert.Equal(expected.Take(2).Select(x => x.Unit), store.Gan.GetConceptUnits(run, "layer3", concept, limit: 2).Select(x => x.Unit));
        }
        Assert.Empty(store.Gan.GetConceptUnits(run, "layer3", "no such concept"));
    }

    [Fact]
    public void Unknown_layer_and_mismatched_samples_are_refused_with_clear_messages()
    {
        using var g = GanFixture.Generator();
        using var seg = GanFixture.Segmenter();
        var folder = Path.Combine(_dir.Path, "samples");
        GanSamples.Materialize(g, "proggan:tiny.pth", seg, 1, 4, folder);
        var ds = ConceptDataset.Open(folder);
        using var z = ZDataset.FromSeed(8, 1, 4);
        var e = Assert.Throws<ArgumentException>(() => GeneratorDissection.Execute(g, ds, z, ["layer9"], new DissectionSettings()));
        Assert.Contains("'layer9' is not a layer", e.Message);
        Assert.Contains("layer1, layer2, layer3, layer4, output_8x8", e.Message);
        using var other = ZDataset.FromSeed(8, 1, 5);
        Assert.Contains("regenerate", Assert.Throws<ArgumentException>(() => GeneratorDissection.Execute(g, ds, other, ["layer2"], new DissectionSettings())).Message);
        Assert.Throws<ArgumentException>(() => GanSamples.Materialize(g, "x", seg, 1, 0, folder));
        Assert.Contains("segmentation size", Assert.Throws<ArgumentException>(() => GanSamples.Materialize(g, "x", seg, 1, 2, folder, segSize: 16)).Message);
    }

    private static Tensor BlockOutputs(ProgressiveGenerator g, ZDataset z, string layer)
    {
        using var _ = no_grad();
        var x = z.All().view(z.Count, 8, 1, 1);
        foreach (var (name, m) in g.named_children())
        {
            x = ((nn.Module<Tensor, Tensor>)m).call(x);
            if (name == layer) return x;
        }
        throw new InvalidOperationException(layer);
    }

    private static (double Low, double High) IouBracket(float[] values, IReadOnlyList<PixelLabels> labels, int concept, float threshold)
    {
        double isect = 0, mask = 0, label = 0, ambIsect = 0, ambMask = 0;
        for (var i = 0; i < labels.Count; i++)
        for (var p = 0; p < 64; p++)
        {
            var v = values[i * 64 + p];
            var has = labels[i].Planes.Any(pl => pl[p] == concept);
            var ambiguous = Math.Abs(v - threshold) <= 1e-3 * Math.Max(1, Math.Abs(threshold));
            if (has) label++;
            if (ambiguous) { ambMask++; if (has) ambIsect++; continue; }
            if (v > threshold) { mask++; if (has) isect++; }
        }
        double Iou(double i, double m) => m + label - i > 0 ? i / (m + label - i) : 0;
        // Each ambiguous pixel in or out: IoU is monotone in each, so the extremes bound every choice.
        var options = new[] { Iou(isect, mask), Iou(isect + ambIsect, mask + ambMask), Iou(isect, mask + ambMask - ambIsect), Iou(isect + ambIsect, mask + ambIsect) };
        return (options.Min(), options.Max());
    }
}
