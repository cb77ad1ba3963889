// `dissect summary`'s numbers: detectors per category, distinct concepts and top concepts per layer of a stored run,
// checked against a brute-force count over the same units, and the printed table.
using Dissection.Core.Dissection;
using Dissection.Core.Storage;

namespace Dissection.Core.Tests.Storage;

public sealed class DetectorSummaryTests : IDisposable
{
    private readonly TempDatabase _db = new();

    [Fact]
    public void Counts_per_layer_match_a_brute_force_count_with_the_runs_iou_cutoff()
    {
        using var store = _db.Open();
        var settings = new DissectionSettings { IouThreshold = 0.1 };
        var run = SampleResults.CreateRun(store, settings: settings, layers: ["conv1", "conv2"]);
        var layers = new[] { SampleResults.Layer("conv1", 40, seed: 1), SampleResults.Layer("conv2", 60, seed: 2) };
        foreach (var l in layers) store.Layers.SaveLayer(run, l);

        var summary = DetectorSummary.ForRun(store, run, top: 3);
        Assert.Equal(["conv1", "conv2"], summary.Select(s => s.Layer));
        for (var i = 0; i < layers.Length; i++)
        {
            var detectors = layers[i].Units.Where(u => u.Label is { } l && l.Iou > 0.1).Select(u => u.Label!).ToList();
            var s = summary[i];
            Assert.Equal(layers[i].Units.Count, s.Units);
            Assert.Equal(detectors.Count, s.Detectors);
            Assert.True(s.Detectors > 0 && s.Detectors < s.Units, "the sample should have detectors and non-detectors");
            foreach (var g in detectors.GroupBy(d => d.Category))
                Assert.Equal(g.Count(), s.PerCategory[g.Key]);
            Assert.Equal(detectors.Count, s.PerCategory.Values.Sum());
            Assert.Equal(detectors.Select(d => (d.Name, d.Category)).Distinct().Count(), s.DistinctConcepts);
            var expectedTop = detectors.GroupBy(d => (d.Name, d.Category)).Select(g => (g.Key.Name, Count: g.Count()))
                .OrderByDescending(x => x.Count).ThenBy(x => x.Name, StringComparer.Ordinal).Take(3).ToList();
            Assert.Equal(expectedTop, s.TopConcepts.Select(c => (c.Name, c.Units)));
        }

        var table = DetectorSummary.ToTable(summary).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, table.Length);
        var header = table[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["layer", "units", "detectors"], header[..3]);
        // Categories in the paper's order, whichever appear.
        var categories = header.Where(h => SampleResults.Categories.Contains(h)).ToList();
        Assert.Equal(new[] { "object", "part", "material", "color" }.Where(categories.Contains), categories);
        var row = table[2].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("conv2", row[0]);
        Assert.Equal(summary[1].Units.ToString(System.Globalization.CultureInfo.InvariantCulture), row[1]);
        Assert.Equal(summary[1].Detectors.ToString(System.Globalization.CultureInfo.InvariantCulture), row[2]);
        for (var c = 0; c < categories.Count; c++)
            Assert.Equal(summary[1].PerCategory.GetValueOrDefault(categories[c]).ToString(System.Globalization.CultureInfo.InvariantCulture), row[3 + c]);
    }

    [Fact]
    public void An_unknown_run_is_named()
    {
        using var store = _db.Open();
        Assert.Contains("no run #42", Assert.Throws<ArgumentException>(() => DetectorSummary.ForRun(store, 42)).Message);
    }

    public void Dispose() => _db.Dispose();
}
