// A saved layer reads back exactly: thresholds, IoUs, concept lists, histograms and activation maps bit for bit.
using Dissection.Core.Dissection;
using Dissection.Core.Storage;

namespace Dissection.Core.Tests.Storage;

public sealed class LayerRoundTripTests : IDisposable
{
    private readonly TempDatabase _db = new();
    public void Dispose() => _db.Dispose();

    [Fact]
    public void Saved_layer_reads_back_equal()
    {
        var store = _db.Open();
        var run = SampleResults.CreateRun(store);
        var layer = SampleResults.Layer("conv1", units: 6, seed: 1);
        store.Layers.SaveLayer(run, layer);

        SampleResults.AssertSameLayer(layer, store.Layers.GetLayer(run, "conv1"));
        SampleResults.AssertSameUnit(layer.Units[4], store.Layers.GetUnit(run, "conv1", 4));
        Assert.Null(store.Layers.GetUnit(run, "conv1", 99));
        Assert.Null(store.Layers.GetLayer(run, "conv9"));
    }

    [Fact]
    public void Special_float_values_survive_bit_exact()
    {
        var store = _db.Open();
        var run = SampleResults.CreateRun(store);
        float[] map = [float.NaN, -0f, float.Epsilon, float.MaxValue, float.NegativeInfinity, 1e-39f];
        var unit = SampleResults.Unit(0, seed: 3) with
        {
            Threshold = 1e-30f,
            TopImages = [new TopImage(7, "a,b \"quoted\" é.jpg", float.MinValue, 2, 3, map)],
            Histogram = new ActivationHistogram(float.MinValue, float.MaxValue, [long.MaxValue, 0, long.MinValue]),
        };
        store.Layers.SaveLayer(run, new LayerResult("features.0", [1, 2, 3], [unit], 5, TimeSpan.Zero));

        SampleResults.AssertSameUnit(unit, store.Layers.GetUnit(run, "features.0", 0));
    }

    [Fact]
    public void Unit_without_label_or_images_round_trips()
    {
        var store = _db.Open();
        var run = SampleResults.CreateRun(store);
        var unit = new UnitResult(3, 0.5f, null, [], [], [], new ActivationHistogram(0, 0, []));
        store.Layers.SaveLayer(run, new LayerResult("conv2", [4, 1, 1], [unit], 0, TimeSpan.FromMilliseconds(3)));

        var back = store.Layers.GetUnit(run, "conv2", 3);
        SampleResults.AssertSameUnit(unit, back);
        Assert.Null(back!.Label);
    }

    [Fact]
    public void Resaving_a_layer_replaces_it()
    {
        var store = _db.Open();
        var run = SampleResults.CreateRun(store);
        store.Layers.SaveLayer(run, SampleResults.Layer("conv1", units: 8, seed: 1));
        var second = SampleResults.Layer("conv1", units: 3, seed: 2);
        store.Layers.SaveLayer(run, second);

        SampleResults.AssertSameLayer(second, store.Layers.GetLayer(run, "conv1"));
        // No orphans of the first save remain: the cascade removed its units, concepts and images.
        Assert.Equal(3, _db.Scalar("SELECT COUNT(*) FROM units"));
        Assert.Equal(second.Units.Sum(u => u.TopImages.Count), _db.Scalar("SELECT COUNT(*) FROM unit_top_images"));
        Assert.Equal(second.Units.Sum(u => u.TopConcepts.Count + u.BestPerCategory.Count), _db.Scalar("SELECT COUNT(*) FROM unit_concepts"));
    }

    [Fact]
    public void Get_layers_follows_the_runs_layer_order_and_can_include_units()
    {
        var store = _db.Open();
        var run = SampleResults.CreateRun(store, layers: ["features.3", "features.10", "classifier.0"]);
        var late = SampleResults.Layer("features.10", units: 2, seed: 5);
        var early = SampleResults.Layer("features.3", units: 3, seed: 6);
        store.Layers.SaveLayer(run, late);
        store.Layers.SaveLayer(run, early);

        var light = store.Layers.GetLayers(run);
        Assert.Equal(["features.3", "features.10"], light.Select(l => l.Layer));
        Assert.All(light, l => Assert.Empty(l.Units));
        Assert.Equal(early.Shape, light[0].Shape);

        var full = store.Layers.GetLayers(run, includeUnits: true);
        SampleResults.AssertSameLayer(early, full[0]);
        SampleResults.AssertSameLayer(late, full[1]);
        Assert.Empty(store.Layers.GetLayers(run + 100));
    }

    [Fact]
    public void Layers_of_different_runs_are_separate()
    {
        var store = _db.Open();
        var a = SampleResults.CreateRun(store, "a");
        var b = SampleResults.CreateRun(store, "b");
        var la = SampleResults.Layer("conv1", units: 2, seed: 1);
        var lb = SampleResults.Layer("conv1", units: 5, seed: 2);
        store.Layers.SaveLayer(a, la);
        store.Layers.SaveLayer(b, lb);

        SampleResults.AssertSameLayer(la, store.Layers.GetLayer(a, "conv1"));
        SampleResults.AssertSameLayer(lb, store.Layers.GetLayer(b, "conv1"));
    }
}
