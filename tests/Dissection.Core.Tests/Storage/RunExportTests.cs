// The JSON and CSV exports: exact property names and nesting, values from the store, one CSV row per unit.
using System.Text.Json;
using Dissection.Core.Dissection;
using Dissection.Core.Storage;
using Dissection.Core.Tallies;

namespace Dissection.Core.Tests.Storage;

public sealed class RunExportTests : IDisposable
{
    private readonly TempDatabase _db = new();
    public void Dispose() => _db.Dispose();

    private readonly LayerResult _conv1 = SampleResults.Layer("conv1", units: 4, seed: 1);  // unit 3 has no label
    private readonly LayerResult _conv2 = SampleResults.Layer("conv2", units: 2, seed: 2);

    private (ResultsStore Store, long Run) Fixture()
    {
        var store = _db.Open();
        var run = store.Runs.CreateRun("export me", "world-vgg", "data/world", ["conv1", "conv2"],
            new DissectionSettings { Method = DissectionMethod.Cvpr17, Quantile = 0.005, IouThreshold = 0.05 });
        store.Layers.SaveLayer(run, _conv1);
        store.Layers.SaveLayer(run, _conv2);
        store.Runs.SetStatus(run, RunStatus.Done, images: 321);
        return (store, run);
    }

    private static string[] Names(JsonElement e) => e.EnumerateObject().Select(p => p.Name).ToArray();

    private static string Json(ResultsStore store, long run, string? layer = null)
    {
        var text = new StringWriter();
        RunExport.WriteJson(store, run, text, layer);
        return text.ToString();
    }

    [Fact]
    public void The_stored_run_keeps_its_rules_and_a_run_stored_before_them_exports_null()
    {
        var (store, run) = Fixture();
        Assert.Equal(MethodRules.Cvpr17, store.Runs.GetRun(run)!.RecordedRules);
        // A run created before rule sets were recorded: its settings JSON has no "rules".
        using (var c = store.Connect())
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "UPDATE runs SET settings = json_remove(settings, '$.rules') WHERE id = $id";
            cmd.Parameters.AddWithValue("$id", run);
            Assert.Equal(1, cmd.ExecuteNonQuery());
        }
        Assert.Null(store.Runs.GetRun(run)!.RecordedRules);
        Assert.Equal(DissectionMethod.Cvpr17, store.Runs.GetRun(run)!.Settings.Method);
        using var doc = JsonDocument.Parse(Json(store, run));
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("run").GetProperty("rules").ValueKind);
    }

    [Fact]
    public void Json_has_exactly_the_documented_shape()
    {
        var (store, run) = Fixture();
        using var doc = JsonDocument.Parse(Json(store, run));
        var root = doc.RootElement;

        Assert.Equal(["run", "layers"], Names(root));
        var r = root.GetProperty("run");
        Assert.Equal(["id", "model", "dataset", "status", "message", "layersRequested", "method", "quantile", "iouThreshold", "rules", "images", "attacks", "ganExperiments"], Names(r));
        var rules = r.GetProperty("rules");
        Assert.Equal(["name", "thresholdOver", "upsampling", "labelCounting", "maskArea", "primaryCategory", "iouEpsilon", "labelTies"], Names(rules));
        Assert.Equal(["cvpr17-lite", "raw", "pilBilinear", "perPlane", "categoryTouched", "coverage", "laterCategory"],
            new[] { "name", "thresholdOver", "upsampling", "labelCounting", "maskArea", "primaryCategory", "labelTies" }.Select(n => rules.GetProperty(n).GetString()));
        Assert.Equal(1e-10, rules.GetProperty("iouEpsilon").GetDouble());
        Assert.Empty(r.GetProperty("attacks").EnumerateArray());
        Assert.Equal(run, r.GetProperty("id").GetInt64());
        Assert.Equal("world-vgg", r.GetProperty("model").GetString());
        Assert.Equal("data/world", r.GetProperty("dataset").GetString());
        var stored = store.Runs.GetRun(run)!;
        Assert.Equal(stored.Status.ToString().ToLowerInvariant(), r.GetProperty("status").GetString());
        Assert.Equal(stored.Layers, r.GetProperty("layersRequested").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("cvpr17", r.GetProperty("method").GetString());
        Assert.Equal(0.005, r.GetProperty("quantile").GetDouble());
        Assert.Equal(0.05, r.GetProperty("iouThreshold").GetDouble());
        Assert.Equal(321, r.GetProperty("images").GetInt32());

        var layers = root.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(["conv1", "conv2"], layers.Select(l => l.GetProperty("name").GetString()));
        foreach (var (layer, expected) in layers.Zip([_conv1, _conv2]))
        {
            Assert.Equal(["name", "units"], Names(layer));
            var units = layer.GetProperty("units").EnumerateArray().ToList();
            Assert.Equal(expected.Units.Count, units.Count);
            foreach (var (u, e) in units.Zip(expected.Units))
            {
                Assert.Equal(["unit", "threshold", "label", "category", "iou", "reliability", "top", "topImages"], Names(u));
                if (e is { Reliability: { } q, Label: { } l })
                {
                    var rel = u.GetProperty("reliability");
                    Assert.Equal(["halfIous", "halfBest", "stable", "chanceIou", "lift", "trust"], Names(rel));
                    Assert.Equal([q.IouA, q.IouB], rel.GetProperty("halfIous").EnumerateArray().Select(x => x.GetDouble()));
                    Assert.Equal([q.BestA, q.BestB], rel.GetProperty("halfBest").EnumerateArray().Select(x => x.GetString()));
                    Assert.Equal(q.Stable, rel.GetProperty("stable").GetBoolean());
                    Assert.Equal(q.ChanceIou, rel.GetProperty("chanceIou").GetDouble());
                    Assert.Equal(q.Lift, rel.GetProperty("lift").GetDouble());
                    Assert.Equal(q.Trust(l.Iou).ToString().ToLowerInvariant(), rel.GetProperty("trust").GetString());
                }
                else Assert.Equal(JsonValueKind.Null, u.GetProperty("reliability").ValueKind);
                Assert.Equal(e.Unit, u.GetProperty("unit").GetInt32());
                Assert.Equal(e.Threshold, u.GetProperty("threshold").GetSingle());
                if (e.Label is { } label)
                {
                    Assert.Equal(label.Name, u.GetProperty("label").GetString());
                    Assert.Equal(label.Category, u.GetProperty("category").GetString());
                    Assert.Equal(label.Iou, u.GetProperty("iou").GetDouble());
                }
                else
                {
                    Assert.Equal(JsonValueKind.Null, u.GetProperty("label").ValueKind);
                    Assert.Equal(JsonValueKind.Null, u.GetProperty("category").ValueKind);
                }
                var top = u.GetProperty("top").EnumerateArray().ToList();
                Assert.Equal(e.TopConcepts.Count, top.Count);
                Assert.All(top, t => Assert.Equal(["concept", "category", "iou"], Names(t)));
                Assert.Equal(e.TopConcepts.Select(k => (k.Name, k.Category, k.Iou)),
                    top.Select(t => (t.GetProperty("concept").GetString()!, t.GetProperty("category").GetString()!, t.GetProperty("iou").GetDouble())));
                var images = u.GetProperty("topImages").EnumerateArray().ToList();
                Assert.All(images, t => Assert.Equal(["image", "activation"], Names(t)));
                Assert.Equal(e.TopImages.Select(t => (t.Path, t.Activation)),
                    images.Select(t => (t.GetProperty("image").GetString()!, t.GetProperty("activation").GetSingle())));
            }
        }
        Assert.Contains(layers[0].GetProperty("units").EnumerateArray(), u => u.GetProperty("label").ValueKind == JsonValueKind.Null);
        Assert.Contains(layers[0].GetProperty("units").EnumerateArray(), u => u.GetProperty("reliability").ValueKind == JsonValueKind.Object);
    }

    [Fact]
    public void A_generator_run_exports_its_causal_experiments_with_the_stored_numbers()
    {
        var (store, run) = Fixture();
        var curve = new Core.Gan.RemovalCurve("conv2", 4, "tree", [7, 3], 60, 2,
            [new Core.Gan.RemovalPoint(0, 0.2, 1, 1, 1), new Core.Gan.RemovalPoint(1, 0.1, 0.5, 0.4, 0.6), new Core.Gan.RemovalPoint(2, 0.05, 0.25, double.NaN, double.NaN)]);
        store.Gan.SaveRemovalCurve(run, curve);
        var insertion = new Core.Gan.ContextInsertion("conv2", 4, "tree", [7, 3], [1.5f, 2.25f], 8, 2, 0.2,
            [new Core.Gan.ContextRow(2, "grass", 40, 0.03, 0.02, 0.04), new Core.Gan.ContextRow(9, "sky", 1, 0.001, double.NaN, double.NaN)]);
        store.Gan.SaveContextInsertion(run, insertion);

        using var doc = JsonDocument.Parse(Json(store, run));
        var gan = doc.RootElement.GetProperty("run").GetProperty("ganExperiments");
        var removal = Assert.Single(gan.GetProperty("removals").EnumerateArray());
        Assert.Equal(["layer", "concept", "conceptName", "samples", "seed", "rankedUnits", "points"], Names(removal));
        Assert.Equal("tree", removal.GetProperty("conceptName").GetString());
        Assert.Equal([0.2, 0.1, 0.05], removal.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("meanFraction").GetDouble()));
        Assert.Equal(JsonValueKind.Null, removal.GetProperty("points")[2].GetProperty("low").ValueKind);
        var context = Assert.Single(gan.GetProperty("contexts").EnumerateArray());
        Assert.Equal([1.5, 2.25], context.GetProperty("levels").EnumerateArray().Select(l => l.GetDouble()));
        Assert.Equal(["grass", "sky"], context.GetProperty("contexts").EnumerateArray().Select(c => c.GetProperty("contextName").GetString()));
        Assert.Equal(40, context.GetProperty("contexts")[0].GetProperty("cells").GetInt32());
        // Restricted to another layer, the experiments of conv2 are left out.
        using var other = JsonDocument.Parse(Json(store, run, "conv1"));
        Assert.Empty(other.RootElement.GetProperty("run").GetProperty("ganExperiments").GetProperty("removals").EnumerateArray());
    }

    [Fact]
    public void A_partial_run_says_so_in_its_export()
    {
        var store = _db.Open();
        var run = SampleResults.CreateRun(store);
        store.Runs.SetStatus(run, RunStatus.Interrupted, "Interrupted: the process running it stopped.");
        using var doc = JsonDocument.Parse(Json(store, run));
        var r = doc.RootElement.GetProperty("run");
        Assert.Equal("interrupted", r.GetProperty("status").GetString());
        Assert.Equal("Interrupted: the process running it stopped.", r.GetProperty("message").GetString());
    }

    [Fact]
    public void Json_can_be_restricted_to_one_layer()
    {
        var (store, run) = Fixture();
        using var doc = JsonDocument.Parse(Json(store, run, "conv2"));
        var layer = Assert.Single(doc.RootElement.GetProperty("layers").EnumerateArray());
        Assert.Equal("conv2", layer.GetProperty("name").GetString());
        Assert.Equal(2, layer.GetProperty("units").GetArrayLength());
    }

    [Fact]
    public void Pnas_method_is_named_pnas()
    {
        var store = _db.Open();
        var run = SampleResults.CreateRun(store);
        using var doc = JsonDocument.Parse(Json(store, run));
        Assert.Equal("pnas", doc.RootElement.GetProperty("run").GetProperty("method").GetString());
        Assert.Equal(0, doc.RootElement.GetProperty("layers").GetArrayLength());
    }

    [Fact]
    public void Unknown_run_or_layer_is_a_clear_error()
    {
        var (store, run) = Fixture();
        var e = Assert.Throws<ArgumentException>(() => Json(store, run + 7));
        Assert.Contains($"run {run + 7} does not exist", e.Message);
        e = Assert.Throws<ArgumentException>(() => RunExport.WriteCsv(store, run, new StringWriter(), "conv9"));
        Assert.Contains("conv9", e.Message);
        Assert.Contains("conv1, conv2", e.Message);
    }

    [Fact]
    public void Csv_has_a_header_and_one_row_per_unit()
    {
        var (store, run) = Fixture();
        var text = new StringWriter();
        RunExport.WriteCsv(store, run, text);
        var lines = text.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        var header = lines[0].Split(',');
        Assert.Equal(["layer", "unit", "threshold", "label", "category", "iou", "top1", "top1_category", "top1_iou"], header[..9]);
        Assert.Equal(6 + 3 * 4 + 6, header.Length);  // the sample units have four top concepts, then reliability
        Assert.Equal(["trust", "half_a_iou", "half_b_iou", "stable", "chance_iou", "lift"], header[^6..]);
        Assert.Equal(1 + _conv1.Units.Count + _conv2.Units.Count, lines.Length);

        var first = lines[1].Split(',');
        var u0 = _conv1.Units[0];
        Assert.Equal(["conv1", "0"], first[..2]);
        Assert.Equal(u0.Threshold, float.Parse(first[2], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(u0.Label!.Name, first[3]);
        Assert.Equal(u0.Label.Iou, double.Parse(first[5], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(u0.TopConcepts[0].Name, first[6]);
        var q0 = u0.Reliability!;   // unit 0 of the samples has its reliability measured, unit 1 not
        Assert.Equal([q0.Trust(u0.Label.Iou).ToString().ToLowerInvariant(), q0.IouA.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            first[^6..^4]);
        Assert.Equal(["", "", "", "", "", ""], lines[2].Split(',')[^6..]);

        var unlabelled = lines[4].Split(',');
        Assert.Equal(["conv1", "3", "", "", ""], [unlabelled[0], unlabelled[1], unlabelled[3], unlabelled[4], unlabelled[5]]);
        Assert.StartsWith("conv2,", lines[5]);
    }

    [Fact]
    public void Csv_quotes_cells_with_commas_and_quotes()
    {
        var store = _db.Open();
        var run = SampleResults.CreateRun(store, layers: ["conv1"]);
        var odd = new ConceptScore(1, "chair, \"folding\"", "object", 0.5);
        var unit = new UnitResult(0, 1f, odd, [odd], [odd], [], new ActivationHistogram(0, 1, [1]));
        store.Layers.SaveLayer(run, new LayerResult("conv1", [1, 1, 1], [unit], 1, TimeSpan.Zero));

        var text = new StringWriter();
        RunExport.WriteCsv(store, run, text, "conv1");
        var row = text.ToString().Split("\r\n")[1];
        Assert.Equal("conv1,0,1,\"chair, \"\"folding\"\"\",object,0.5,\"chair, \"\"folding\"\"\",object,0.5,,,,,,", row);  // no reliability measured: empty cells
    }
}
