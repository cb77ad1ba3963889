// SaveLayer is all or nothing: a failure midway leaves no trace of the new layer and the old data untouched.
using System.Collections;
using Dissection.Core.Dissection;
using Dissection.Core.Storage;

namespace Dissection.Core.Tests.Storage;

public sealed class LayerSaveAtomicityTests : IDisposable
{
    private readonly TempDatabase _db = new();
    public void Dispose() => _db.Dispose();

    /// <summary>Yields some units, then fails as a crashing producer would.</summary>
    private sealed class FailingUnits(IReadOnlyList<UnitResult> units, int failAfter) : IReadOnlyList<UnitResult>
    {
        public int Count => units.Count;
        public UnitResult this[int index] => index < failAfter ? units[index] : throw new InvalidOperationException("producer died");
        public IEnumerator<UnitResult> GetEnumerator()
        {
            for (var i = 0; i < units.Count; i++)
            {
                if (i == failAfter) throw new InvalidOperationException("producer died");
                yield return units[i];
            }
        }
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private (ResultsStore Store, long Run, LayerResult Saved) StoreWithOneLayer()
    {
        var store = _db.Open();
        var run = SampleResults.CreateRun(store);
        var saved = SampleResults.Layer("conv1", units: 4, seed: 1);
        store.Layers.SaveLayer(run, saved);
        return (store, run, saved);
    }

    private void AssertOnlyLayer(ResultsStore store, long run, LayerResult saved)
    {
        Assert.Equal([saved.Layer], store.Layers.GetLayers(run).Select(l => l.Layer));
        SampleResults.AssertSameLayer(saved, store.Layers.GetLayer(run, saved.Layer));
        Assert.Equal(1, _db.Scalar("SELECT COUNT(*) FROM layers"));
        Assert.Equal(saved.Units.Count, _db.Scalar("SELECT COUNT(*) FROM units"));
        Assert.Equal(saved.Units.Sum(u => u.TopImages.Count), _db.Scalar("SELECT COUNT(*) FROM unit_top_images"));
    }

    [Fact]
    public void Duplicate_unit_midway_leaves_no_trace_of_the_new_layer()
    {
        var (store, run, saved) = StoreWithOneLayer();
        var units = SampleResults.Layer("conv2", units: 5, seed: 2).Units.ToList();
        units.Insert(3, SampleResults.Unit(1, seed: 9));  // unit 1 again: violates UNIQUE (layer, unit)

        var e = Assert.Throws<ArgumentException>(() => store.Layers.SaveLayer(run, new LayerResult("conv2", [5, 4, 5], units, 10, TimeSpan.Zero)));
        Assert.Contains("conv2", e.Message);
        Assert.Contains("unit 1", e.Message);
        Assert.Null(store.Layers.GetLayer(run, "conv2"));
        AssertOnlyLayer(store, run, saved);
    }

    [Fact]
    public void Producer_failing_midway_leaves_no_trace_of_the_new_layer()
    {
        var (store, run, saved) = StoreWithOneLayer();
        var units = new FailingUnits(SampleResults.Layer("conv2", units: 6, seed: 2).Units, failAfter: 4);

        Assert.Throws<InvalidOperationException>(() => store.Layers.SaveLayer(run, new LayerResult("conv2", [6, 4, 5], units, 10, TimeSpan.Zero)));
        Assert.Null(store.Layers.GetLayer(run, "conv2"));
        AssertOnlyLayer(store, run, saved);
    }

    [Fact]
    public void Failed_resave_keeps_the_previous_version_of_the_layer()
    {
        var (store, run, saved) = StoreWithOneLayer();
        // The re-save deletes the old rows first; the rollback must bring them back.
        var units = new FailingUnits(SampleResults.Layer("conv1", units: 6, seed: 7).Units, failAfter: 5);

        Assert.Throws<InvalidOperationException>(() => store.Layers.SaveLayer(run, new LayerResult("conv1", [6, 4, 5], units, 10, TimeSpan.Zero)));
        AssertOnlyLayer(store, run, saved);
    }

    [Fact]
    public void Map_of_the_wrong_size_is_refused_with_its_place()
    {
        var (store, run, saved) = StoreWithOneLayer();
        var units = SampleResults.Layer("conv2", units: 4, seed: 2).Units.ToList();
        var bad = units[2].TopImages[1] with { Map = new float[7] };
        units[2] = units[2] with { TopImages = [units[2].TopImages[0], bad] };

        var e = Assert.Throws<ArgumentException>(() => store.Layers.SaveLayer(run, new LayerResult("conv2", [4, 4, 5], units, 10, TimeSpan.Zero)));
        Assert.Contains("layer conv2 unit 2", e.Message);
        Assert.Contains("top image 1", e.Message);
        Assert.Contains("4x5", e.Message);
        AssertOnlyLayer(store, run, saved);
    }

    [Fact]
    public void Layer_of_an_unknown_run_is_refused()
    {
        var (store, run, saved) = StoreWithOneLayer();
        var e = Assert.Throws<ArgumentException>(() => store.Layers.SaveLayer(run + 41, SampleResults.Layer("conv2", 2, 3)));
        Assert.Contains($"run {run + 41}", e.Message);
        AssertOnlyLayer(store, run, saved);
    }
}
