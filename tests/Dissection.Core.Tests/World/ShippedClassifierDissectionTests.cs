// The synthetic world must prove the method: the shipped demo classifier (data/models/world-vgg.pt), dissected on
// 1,000 validation images of the seed-1 world it was trained on, shows what the PNAS paper shows for a real scene
// classifier — many object detectors in the last conv layer, and colour/material detectors in the early layers.
// These are assertions on the shipped weights, not on a model trained in the test.
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Models;
using Dissection.Core.World;
using Xunit.Abstractions;

namespace Dissection.Core.Tests.World;

public sealed class ShippedClassifierDissectionTests(ShippedClassifierDissectionTests.Dissected d, ITestOutputHelper output)
    : IClassFixture<ShippedClassifierDissectionTests.Dissected>
{
    internal static readonly string[] Layers =
        ["features.conv1_1", "features.conv2_1", "features.conv3_1", "features.conv4_1", "features.conv5_2"];

    public sealed class Dissected : IDisposable
    {
        private readonly TempDir _tmp = new();
        public IReadOnlyList<LayerResult> Results { get; }

        /// <summary>Object concept → mean share of the image it covers, over the images where it appears.</summary>
        public IReadOnlyDictionary<string, double> AreaWherePresent { get; }

        public Dissected()
        {
            // 5,000 images of the seed-1 world give just over 1,000 in its val split, which training never saw.
            WorldGenerator.Generate(new WorldOptions(_tmp.File("world"), Count: 5200, Size: 128, Seed: 1));
            var dataset = ConceptDataset.Open(_tmp.File("world"));
            using var model = ModelRegistry.Load(ModelSpec.Parse("world-vgg:" + RepositoryFiles.Path("data/models/world-vgg.pt")), new ModelOptions("cpu"));
            var settings = new DissectionSettings { Split = "val", Limit = 1000 };
            Results = DissectionRun.Execute(model, dataset, Layers, settings);
            AreaWherePresent = ObjectAreas(dataset, DissectionRun.SelectImages(dataset.Images, settings));
        }

        private static Dictionary<string, double> ObjectAreas(ConceptDataset dataset, IReadOnlyList<DatasetImage> images)
        {
            var objects = dataset.Concepts.Where(c => c.Category == "object").ToDictionary(c => c.Number, c => c.Name);
            var share = new Dictionary<int, (double Sum, int Images)>();
            foreach (var image in images)
            {
                var labels = dataset.LoadLabels(image);
                var counts = new Dictionary<int, int>();
                for (var p = 0; p < labels.Planes.Count; p++)
                {
                    if (labels.Categories[p] != "object") continue;
                    foreach (var v in labels.Planes[p]) if (objects.ContainsKey(v)) counts[v] = counts.GetValueOrDefault(v) + 1;
                }
                var pixels = (double)labels.SegHeight * labels.SegWidth;
                foreach (var (concept, n) in counts)
                {
                    var (sum, k) = share.GetValueOrDefault(concept);
                    share[concept] = (sum + n / pixels, k + 1);
                }
            }
            return share.ToDictionary(kv => objects[kv.Key], kv => kv.Value.Sum / kv.Value.Images);
        }

        public void Dispose() => _tmp.Dispose();
    }

    private LayerResult Layer(string name) => d.Results.Single(l => l.Layer == name);

    private static IEnumerable<UnitResult> Detectors(LayerResult layer) =>
        layer.Units.Where(u => u.Label is { } l && l.Iou > 0.04);

    private static int Count(LayerResult layer, params string[] categories) =>
        Detectors(layer).Count(u => categories.Contains(u.Label!.Category));

    [Fact]
    public void Last_conv_layer_has_a_quarter_of_its_units_detecting_ten_distinct_objects_or_parts()
    {
        var last = Layer(Layers[^1]);
        var detectors = Detectors(last).ToList();
        var distinct = detectors.Where(u => u.Label!.Category is "object" or "part").Select(u => u.Label!.Name).Distinct().ToList();
        output.WriteLine($"{detectors.Count}/{last.Units.Count} detectors; {distinct.Count} objects/parts: {string.Join(", ", distinct)}");
        Assert.True(detectors.Count >= last.Units.Count / 4, $"only {detectors.Count} of {last.Units.Count} units are detectors");
        Assert.True(distinct.Count >= 10, $"only {distinct.Count} distinct object/part concepts: {string.Join(", ", distinct)}");
    }

    [Fact]
    public void Five_large_objects_each_have_a_unit_with_iou_above_one_fifth()
    {
        // "Large": covers at least 4% of the image (a 26-pixel square at 128 px) on average where it appears; the
        // threshold comes from the labels, so sun, windows, lamps and other small things cannot count.
        var large = d.AreaWherePresent.Where(kv => kv.Value >= 0.04).Select(kv => kv.Key).ToHashSet();
        var best = Layer(Layers[^1]).Units
            .SelectMany(u => u.TopConcepts.Concat(u.BestPerCategory))
            .Where(c => c.Category == "object" && large.Contains(c.Name))
            .GroupBy(c => c.Name).ToDictionary(g => g.Key, g => g.Max(c => c.Iou));
        output.WriteLine("large objects (mean area where present): " +
                         string.Join(", ", large.OrderBy(n => n).Select(n => $"{n} {d.AreaWherePresent[n]:P0}")));
        output.WriteLine("best IoU: " + string.Join(", ", best.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value:F2}")));
        var found = best.Where(kv => kv.Value > 0.2).Select(kv => kv.Key).ToList();
        Assert.True(found.Count >= 5, $"only {found.Count} large objects have a unit with IoU > 0.2: {string.Join(", ", found)}");
    }

    [Fact]
    public void Early_layers_are_dominated_by_colour_and_material_and_late_layers_by_objects()
    {
        foreach (var layer in d.Results)
        {
            var counts = string.Join(", ", new[] { "object", "part", "material", "color", "scene" }.Select(c => $"{c} {Count(layer, c)}"));
            output.WriteLine($"{layer.Layer}: {Detectors(layer).Count()}/{layer.Units.Count} detectors — {counts}");
        }
        foreach (var early in Layers[..2])
        {
            var layer = Layer(early);
            Assert.True(Count(layer, "color", "material") > Count(layer, "object", "part"),
                $"{early}: {Count(layer, "color", "material")} colour/material vs {Count(layer, "object", "part")} object/part detectors");
        }
        var last = Layer(Layers[^1]);
        Assert.True(Count(last, "object", "part") > Count(last, "color", "material"),
            $"{Layers[^1]}: {Count(last, "object", "part")} object/part vs {Count(last, "color", "material")} colour/material detectors");
    }

}
