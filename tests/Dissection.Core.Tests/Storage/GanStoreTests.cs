// The GAN tables (migration 4): generator runs, full concept IoUs, removal curves and context results round-trip;
// NaN is kept as NULL and read back as NaN; malformed results and unknown runs are refused; deleting a run deletes
// its GAN rows; and a classifier run's concept ranking falls back to the units' stored top concepts.
using Dissection.Core.Dissection;
using Dissection.Core.Gan;
using Dissection.Core.Storage;

namespace Dissection.Core.Tests.Storage;

public sealed class GanStoreTests : IDisposable
{
    private readonly TempDatabase _db = new();
    public void Dispose() => _db.Dispose();

    internal static RemovalCurve Curve() => new("layer4", 7, "tree", [12, 3, 40], 500, 2,
    [
        new RemovalPoint(0, 0.2, 1, 1, 1),
        new RemovalPoint(1, 0.15, 0.75, 0.7, 0.8),
        new RemovalPoint(2, 0.1, 0.5, double.NaN, double.NaN),
        new RemovalPoint(3, 0.05, 0.25, 0.2, 0.3),
    ]);

    internal static ContextInsertion Context() => new("layer4", 21, "door", [5, 9], [1.5f, 2.25f], 100, 2, 0.01,
    [
        new ContextRow(3, "house", 900, 0.004, 0.003, 0.005),
        new ContextRow(1, "sky", 2000, 0.0001, -0.0001, 0.0003),
        new ContextRow(0, "unlabelled", 1, 0.2, double.NaN, double.NaN),
    ]);

    [Fact]
    public void Removal_curves_and_context_results_round_trip()
    {
        var store = _db.Open();
        var run = SampleResults.CreateRun(store, "gan", null, "layer4");
        var id = store.Gan.SaveRemovalCurve(run, Curve());
        var second = store.Gan.SaveRemovalCurve(run, Curve() with { Layer = "layer5" });
        var stored = Assert.Single(store.Gan.GetRemovalCurves(run, "layer4"));
        Assert.Equal((id, run), (stored.Id, stored.RunId));
        var (want, got) = (Curve(), stored.Curve);
        Assert.Equal((want.Layer, want.Concept, want.ConceptName, want.Samples, want.Seed), (got.Layer, got.Concept, got.ConceptName, got.Samples, got.Seed));
        Assert.Equal(want.RankedUnits, got.RankedUnits);
        Assert.Equal(want.Points, got.Points);   // records of doubles: NaN equals NaN
        Assert.Equal(new[] { id, second }, store.Gan.GetRemovalCurves(run).Select(c => c.Id));

        var cid = store.Gan.SaveContextInsertion(run, Context());
        var c = Assert.Single(store.Gan.GetContextInsertions(run)).Result;
        Assert.Equal(cid, store.Gan.GetContextInsertions(run, "layer4")[0].Id);
        Assert.Equal(Context().Units, c.Units);
        Assert.Equal(Context().Levels, c.Levels);
        Assert.Equal(0.01, c.BaselineFraction);
        Assert.Equal(new[] { "sky", "house", "unlabelled" }, c.Contexts.Select(r => r.ContextName));   // most cells first
        Assert.Equal(Context().Contexts.OrderByDescending(r => r.Cells), c.Contexts);
        Assert.Empty(store.Gan.GetContextInsertions(run, "layer5"));
    }

    [Fact]
    public void Malformed_results_and_unknown_runs_are_refused_and_leave_nothing_behind()
    {
        var store = _db.Open();
        var run = SampleResults.CreateRun(store, "gan", null, "layer4");
        Assert.Contains("does not exist", Assert.Throws<ArgumentException>(() => store.Gan.SaveRemovalCurve(run + 1, Curve())).Message);
        var gap = Curve() with { Points = [new RemovalPoint(0, 0.2, 1, 1, 1), new RemovalPoint(2, 0.1, 0.5, 0.4, 0.6)] };
        Assert.Contains("k = 2", Assert.Throws<ArgumentException>(() => store.Gan.SaveRemovalCurve(run, gap)).Message);
        Assert.Throws<ArgumentException>(() => store.Gan.SaveContextInsertion(run, Context() with { Levels = [1f] }));
        Assert.Throws<ArgumentException>(() => store.Gan.SaveContextInsertion(run, Context() with { Contexts = [Context().Contexts[0], Context().Contexts[0]] }));
        Assert.Throws<ArgumentException>(() => store.Gan.SaveGanRun(run + 1, new GanSampleSet("g", "s", 1, 2, 3, 64, 64, "/x")));
        Assert.Empty(store.Gan.GetRemovalCurves(run));
        Assert.Empty(store.Gan.GetContextInsertions(run));
        Assert.Null(store.Gan.GetGanRun(run));
    }

    [Fact]
    public void Deleting_a_run_deletes_its_gan_rows()
    {
        var store = _db.Open();
        var run = SampleResults.CreateRun(store, "gan", null, "layer4");
        store.Layers.SaveLayer(run, SampleResults.Layer("layer4", 3, 1));
        store.Gan.SaveGanRun(run, new GanSampleSet("proggan:g.pt", "world-seg:s.pt", 1, 10, 128, 64, 64, "/data/gan/x"));
        store.Gan.SaveConceptIous(run, SampleResults.Layer("layer4", 3, 1));
        store.Gan.SaveRemovalCurve(run, Curve());
        store.Gan.SaveContextInsertion(run, Context());
        Assert.True(store.Runs.DeleteRun(run));
        foreach (var table in new[] { "gan_runs", "unit_concept_ious", "gan_removals", "gan_removal_points", "gan_contexts", "gan_context_rows" })
            Assert.Equal(0, _db.Scalar($"SELECT COUNT(*) FROM {table}"));
    }

    [Fact]
    public void A_classifier_run_ranks_a_concepts_units_by_their_stored_top_concepts()
    {
        var store = _db.Open();
        var run = SampleResults.CreateRun(store, "cls", null, "conv1");
        var layer = SampleResults.Layer("conv1", 12, 4);
        store.Layers.SaveLayer(run, layer);
        var name = layer.Units[0].TopConcepts[0].Name;
        var expected = layer.Units
            .Select(u => (u.Unit, Iou: u.TopConcepts.Where(k => k.Name == name).Select(k => k.Iou).DefaultIfEmpty(0).Max(), u.Threshold))
            .Where(x => x.Iou > 0).OrderByDescending(x => x.Iou).ThenBy(x => x.Unit).ToList();
        var ranked = store.Gan.GetConceptUnits(run, "conv1", name);
        Assert.Equal(expected.Select(x => new ConceptUnit(x.Unit, x.Iou, x.Threshold)), ranked);
        Assert.Empty(store.Gan.GetConceptUnits(run, "conv2", name));
    }
}
