// The light queries the dashboard pages use: unit summaries without maps, single maps on demand, units per concept
// across layers, detector counts per layer and concept lists, checked against the hand-built layers they came from.
using Dissection.Core.Dissection;
using Dissection.Core.Storage;

namespace Dissection.Core.Tests.Storage;

public sealed class DashboardQueryTests : IDisposable
{
    private readonly TempDatabase _db = new();
    public void Dispose() => _db.Dispose();

    private static UnitResult Labelled(int unit, string name, string category, double iou) =>
        SampleResults.Unit(unit, seed: unit + 1) with
        {
            Label = new ConceptScore(unit, name, category, iou),
            TopConcepts = [new ConceptScore(unit, name, category, iou), new ConceptScore(99, "sky", "object", iou / 2)],
        };

    /// <summary>Two layers, saved out of order, with known labels: IoU threshold 0.04 (the default).</summary>
    private (ResultsStore Store, long Run) ConceptFixture()
    {
        var store = _db.Open();
        var run = SampleResults.CreateRun(store, layers: ["conv4", "conv5"]);
        store.Layers.SaveLayer(run, new LayerResult("conv5", [4, 4, 5],
        [
            Labelled(0, "tree", "object", 0.20),
            Labelled(1, "tree", "object", 0.10),
            Labelled(2, "red", "color", 0.04),       // exactly at the threshold: not a detector
            SampleResults.Unit(3, 1, labelled: false),
        ], 100, TimeSpan.FromSeconds(2)));
        store.Layers.SaveLayer(run, new LayerResult("conv4", [3, 4, 5],
        [
            Labelled(0, "tree", "object", 0.05),
            Labelled(1, "grass", "object", 0.30),
            Labelled(2, "wood", "material", 0.07),
        ], 100, TimeSpan.FromSeconds(1)));
        return (store, run);
    }

    [Fact]
    public void Unit_summaries_match_the_saved_units_without_maps()
    {
        var store = _db.Open();
        var run = SampleResults.CreateRun(store);
        var layer = SampleResults.Layer("conv1", units: 5, seed: 4);
        store.Layers.SaveLayer(run, layer);

        var summaries = store.Layers.GetUnitSummaries(run, "conv1");
        Assert.Equal(layer.Units.Select(u => u.Unit), summaries.Select(s => s.Unit));
        foreach (var (u, s) in layer.Units.Zip(summaries))
        {
            Assert.Equal("conv1", s.Layer);
            Assert.Equal(u.Threshold, s.Threshold);
            Assert.Equal(u.Label, s.Label);
            Assert.Equal(u.TopConcepts, s.TopConcepts);
            Assert.Equal(u.TopImages.Select((t, rank) => new TopImageRef(rank, t.ImageIndex, t.Path, t.Activation)), s.TopImages);
        }
        Assert.Empty(store.Layers.GetUnitSummaries(run, "nope"));
    }

    [Fact]
    public void Top_image_map_comes_back_for_one_rank()
    {
        var store = _db.Open();
        var run = SampleResults.CreateRun(store);
        var layer = SampleResults.Layer("conv1", units: 3, seed: 8, mapH: 7, mapW: 6);
        store.Layers.SaveLayer(run, layer);

        SampleResults.AssertSameTopImage(layer.Units[2].TopImages[1], store.Layers.GetTopImageMap(run, "conv1", 2, 1));
        SampleResults.AssertSameTopImage(layer.Units[0].TopImages[0], store.Layers.GetTopImageMap(run, "conv1", 0, 0));
        Assert.Null(store.Layers.GetTopImageMap(run, "conv1", 2, 3));
        Assert.Null(store.Layers.GetTopImageMap(run, "conv1", 9, 0));
        Assert.Null(store.Layers.GetTopImageMap(run, "conv2", 0, 0));
    }

    [Fact]
    public void Units_of_a_concept_come_in_layer_order_then_best_first()
    {
        var (store, run) = ConceptFixture();
        var tree = store.Layers.FindUnitsByConcept(run, "tree");
        Assert.Equal([("conv4", 0), ("conv5", 0), ("conv5", 1)], tree.Select(u => (u.Layer, u.Unit)));
        Assert.Equal([0.05, 0.20, 0.10], tree.Select(u => u.Label!.Iou));
        Assert.All(tree, u => Assert.Equal(3, u.TopImages.Count));
        Assert.Empty(store.Layers.FindUnitsByConcept(run, "sky"));    // a top concept, but nobody's label
        Assert.Empty(store.Layers.FindUnitsByConcept(run, "Tree"));   // exact names
    }

    [Fact]
    public void Layer_summaries_count_detectors_above_the_runs_threshold()
    {
        var (store, run) = ConceptFixture();
        var layers = store.Layers.GetLayerSummaries(run);

        Assert.Equal(["conv4", "conv5"], layers.Select(l => l.Layer));
        var conv4 = layers[0];
        Assert.Equal((3, 3, 2), (conv4.Units, conv4.Detectors, conv4.DetectorsPerCategory["object"]));
        Assert.Equal(1, conv4.DetectorsPerCategory["material"]);
        Assert.Equal(3, conv4.UniqueConcepts);
        Assert.Equal([3, 4, 5], conv4.Shape);
        Assert.Equal(TimeSpan.FromSeconds(1), conv4.Elapsed);

        var conv5 = layers[1];
        Assert.Equal((4, 2, 1), (conv5.Units, conv5.Detectors, conv5.UniqueConcepts));
        Assert.Equal(new Dictionary<string, int> { ["object"] = 2 }, conv5.DetectorsPerCategory);
        Assert.Empty(store.Layers.GetLayerSummaries(run + 1));
    }

    [Fact]
    public void Layer_summaries_use_the_runs_own_threshold()
    {
        var store = _db.Open();
        var run = SampleResults.CreateRun(store, settings: new DissectionSettings { IouThreshold = 0.15 }, layers: ["conv5"]);
        store.Layers.SaveLayer(run, new LayerResult("conv5", [2, 1, 1],
            [Labelled(0, "tree", "object", 0.20), Labelled(1, "tree", "object", 0.10)], 1, TimeSpan.Zero));
        Assert.Equal(1, store.Layers.GetLayerSummaries(run).Single().Detectors);
    }

    [Fact]
    public void Concept_summaries_count_across_layers()
    {
        var (store, run) = ConceptFixture();
        var concepts = store.Layers.GetConceptSummaries(run);

        Assert.Equal(["tree", "grass", "wood", "red"], concepts.Select(k => k.Name));
        Assert.Equal(new ConceptSummary("tree", "object", 3, 3, 0.20), concepts[0]);
        Assert.Equal(new ConceptSummary("red", "color", 1, 0, 0.04), concepts[3]);
    }
}
