// Ablation results in the results store: exact round trip (NaN included), atomic replace, layers that were never
// dissected, cascade on run delete, the v1 -> v2 migration, and the export's ablation block with its exact names.
using System.Text.Json;
using Dissection.Core.Ablation;
using Dissection.Core.Storage;
using Dissection.Core.Tests.Storage;

namespace Dissection.Core.Tests.Ablation;

public sealed class AblationStoreTests : IDisposable
{
    private readonly TempDatabase _db = new();
    public void Dispose() => _db.Dispose();

    /// <summary>3 classes (the last without images: NaN), 4 units, curves for the first two classes.</summary>
    internal static AblationResult Sample(string layer = "conv2", bool labelled = true, double shift = 0)
    {
        ClassMetrics M(double a, double b) => new([a, 0.5 + shift, double.NaN], [b, 0.75, double.NaN], a * 0.9, 0.6 + a / 10)
            { ClassProbability = [a * 0.8, 0.4, double.NaN] };
        var baseline = M(0.9, 0.95);
        var units = Enumerable.Range(0, 4).Select(u => new UnitAblation(u, M(0.9 - u * 0.1, 0.95 - u * 0.07))).ToList();
        var importance = new List<ClassImportance>
        {
            new(0, "beach", 0.95, [new UnitDrop(3, 0.21, 0.3), new UnitDrop(2, 0.14)]),
            new(1, "forest", 0.75, [new UnitDrop(0, 0.0), new UnitDrop(1, -0.01)]),
            new(2, "kitchen", double.NaN, []),
        };
        var curves = new List<GroupCurve>
        {
            new(0, [new GroupPoint(1, 0.74, 0.6), new GroupPoint(2, 0.6, 0.8), new GroupPoint(3, 0.5, 0.9)]),
            new(1, [new GroupPoint(1, 0.75, double.NaN), new GroupPoint(3, 0.7, 0.75)]),
        };
        return new AblationResult(layer, labelled, "val", 120, "split", labelled ? "" : "label-free",
            ["beach", "forest", "kitchen"], baseline, units, importance, curves);
    }

    private static void AssertSameMetrics(ClassMetrics e, ClassMetrics a)
    {
        Assert.Equal(e.Accuracy, a.Accuracy);
        Assert.Equal(e.BalancedAccuracy, a.BalancedAccuracy);
        Assert.Equal(e.OverallAccuracy, a.OverallAccuracy);
        Assert.Equal(e.MeanConfidence, a.MeanConfidence);
        Assert.Equal(e.ClassProbability, a.ClassProbability);
    }

    internal static void AssertSame(AblationResult e, AblationResult? a)
    {
        Assert.NotNull(a);
        Assert.Equal((e.Layer, e.Labelled, e.Split, e.Images, e.Method, e.Note), (a.Layer, a.Labelled, a.Split, a.Images, a.Method, a.Note));
        Assert.Equal(e.Classes, a.Classes);
        AssertSameMetrics(e.Baseline, a.Baseline);
        Assert.Equal(e.Units.Select(u => u.Unit), a.Units.Select(u => u.Unit));
        for (var i = 0; i < e.Units.Count; i++) AssertSameMetrics(e.Units[i].Metrics, a.Units[i].Metrics);
        Assert.Equal(e.Importance.Count, a.Importance.Count);
        for (var i = 0; i < e.Importance.Count; i++)
        {
            Assert.Equal((e.Importance[i].Class, e.Importance[i].Name), (a.Importance[i].Class, a.Importance[i].Name));
            Assert.Equal(e.Importance[i].Baseline, a.Importance[i].Baseline);
            Assert.Equal(e.Importance[i].ImportantUnits, a.Importance[i].ImportantUnits);
        }
        Assert.Equal(e.Curves.Select(c => c.Class), a.Curves.Select(c => c.Class));
        for (var i = 0; i < e.Curves.Count; i++) Assert.Equal(e.Curves[i].Points, a.Curves[i].Points);
    }

    [Fact]
    public void An_ablation_round_trips_exactly()
    {
        using var store = _db.Open();
        var run = SampleResults.CreateRun(store, layers: ["conv1", "conv2"]);
        var sample = Sample();
        store.Ablations.SaveAblation(run, sample);
        AssertSame(sample, store.Ablations.GetAblation(run, "conv2"));
        Assert.Null(store.Ablations.GetAblation(run, "conv1"));

        var dependence = store.Ablations.GetUnitClassDependence(run, "conv2", 3)!;
        Assert.Equal(0.95 - 3 * 0.07, dependence.Ablated[0]);
        Assert.Equal(0.95 - (0.95 - 3 * 0.07), dependence.Drops[0], 1e-15);
        Assert.Null(store.Ablations.GetUnitClassDependence(run, "conv2", 9));
        var drops = store.Ablations.GetUnitMeanDrops(run, "conv2");
        Assert.Equal([0, 1, 2, 3], drops.Select(d => d.Unit));
        Assert.Equal(AblationResult.MeanDrop(sample.Baseline, sample.Units[2].Metrics), drops[2].MeanDrop, 1e-15);
    }

    [Fact]
    public void Saving_again_replaces_and_bad_input_leaves_the_earlier_result()
    {
        using var store = _db.Open();
        var run = SampleResults.CreateRun(store);
        store.Ablations.SaveAblation(run, Sample());
        var second = Sample(shift: 0.1);
        store.Ablations.SaveAblation(run, second);
        AssertSame(second, store.Ablations.GetAblation(run, "conv2"));

        var bad = second with { Units = [.. second.Units, new UnitAblation(9, new ClassMetrics([1], [1], 1, 1))] };
        var e = Assert.Throws<ArgumentException>(() => store.Ablations.SaveAblation(run, bad));
        Assert.Contains("unit 9", e.Message);
        var duplicate = second with { Units = [.. second.Units, second.Units[0]] };
        Assert.Throws<ArgumentException>(() => store.Ablations.SaveAblation(run, duplicate));
        AssertSame(second, store.Ablations.GetAblation(run, "conv2"));
        Assert.Throws<ArgumentException>(() => store.Ablations.SaveAblation(run + 100, second));
    }

    [Fact]
    public void A_layer_that_was_not_dissected_can_be_ablated_and_is_listed_after_dissected_ones()
    {
        using var store = _db.Open();
        var run = SampleResults.CreateRun(store, layers: ["conv1", "conv2"]);
        store.Layers.SaveLayer(run, SampleResults.Layer("conv2", 4, 1));
        store.Ablations.SaveAblation(run, Sample("fc6", labelled: false));
        store.Ablations.SaveAblation(run, Sample("conv2"));
        Assert.Equal(["conv2", "fc6"], store.Ablations.ListAblations(run).Select(a => a.Layer));
        var fc6 = store.Ablations.ListAblations(run)[1];
        Assert.False(fc6.Labelled);
        Assert.Equal((3, 4, 120), (fc6.Classes, fc6.Units, fc6.Images));

        Assert.True(store.Runs.DeleteRun(run));
        Assert.Equal(0, _db.Scalar("SELECT COUNT(*) FROM ablation_units"));
        Assert.Equal(0, _db.Scalar("SELECT COUNT(*) FROM ablation_curves"));
    }

    [Fact]
    public void A_version_1_database_gains_the_ablation_tables_and_keeps_its_runs()
    {
        long run;
        using (var old = ResultsStore.Open(_db.DbPath, Migrations.All.Take(1).ToList()))
            run = SampleResults.CreateRun(old, "before ablation");
        using var store = _db.Open();
        Assert.Equal(Migrations.Current, _db.Scalar("PRAGMA user_version"));
        Assert.Equal("before ablation", store.Runs.GetRun(run)!.Name);
        store.Ablations.SaveAblation(run, Sample());
        Assert.NotNull(store.Ablations.GetAblation(run, "conv2"));
    }

    [Fact]
    public void The_json_export_has_the_ablation_block_with_the_exact_names()
    {
        using var store = _db.Open();
        var run = SampleResults.CreateRun(store, layers: ["conv1", "conv2"]);
        store.Layers.SaveLayer(run, SampleResults.Layer("conv1", 3, 1));
        store.Layers.SaveLayer(run, SampleResults.Layer("conv2", 4, 2));
        store.Ablations.SaveAblation(run, Sample("conv2"));
        store.Ablations.SaveAblation(run, Sample("fc6", labelled: false));
        var text = new StringWriter();
        RunExport.WriteJson(store, run, text);
        using var doc = JsonDocument.Parse(text.ToString());
        var layers = doc.RootElement.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(["conv1", "conv2", "fc6"], layers.Select(l => l.GetProperty("name").GetString()));
        Assert.False(layers[0].TryGetProperty("ablation", out _));

        var a = layers[1].GetProperty("ablation");
        Assert.True(a.GetProperty("labelled").GetBoolean());
        var beach = a.GetProperty("classes")[0];
        Assert.Equal("beach", beach.GetProperty("class").GetString());
        Assert.Equal(0.95, beach.GetProperty("baseline").GetDouble());
        var top = beach.GetProperty("importantUnits")[0];
        Assert.Equal(3, top.GetProperty("unit").GetInt32());
        Assert.Equal(0.21, top.GetProperty("drop").GetDouble());
        Assert.Equal(0.3, top.GetProperty("probabilityDrop").GetDouble());
        // Curves per class: drops from the class's baseline (0.95), n ascending; NaN -> null.
        var curves = beach.GetProperty("curves");
        Assert.Equal([1, 2, 3], curves.GetProperty("removeTop").EnumerateArray().Select(p => p.GetProperty("n").GetInt32()));
        Assert.Equal([0.95 - 0.74, 0.95 - 0.6, 0.95 - 0.5], curves.GetProperty("removeTop").EnumerateArray().Select(p => p.GetProperty("drop").GetDouble()));
        Assert.Equal([0.95 - 0.6, 0.95 - 0.8, 0.95 - 0.9], curves.GetProperty("keepTop").EnumerateArray().Select(p => p.GetProperty("drop").GetDouble()));
        Assert.Equal(JsonValueKind.Null, a.GetProperty("classes")[2].GetProperty("baseline").ValueKind);   // NaN -> null
        var unit2 = a.GetProperty("units")[2];
        Assert.Equal(2, unit2.GetProperty("unit").GetInt32());
        Assert.Equal(AblationResult.MeanDrop(Sample().Baseline, Sample().Units[2].Metrics), unit2.GetProperty("meanDrop").GetDouble(), 1e-12);

        Assert.Empty(layers[2].GetProperty("units").EnumerateArray());
        Assert.False(layers[2].GetProperty("ablation").GetProperty("labelled").GetBoolean());
    }
}
