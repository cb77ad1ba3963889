// A run whose every unit has its own threshold, histogram, concept scores and class dependence, so a chart that kept
// the previous unit's data cannot pass for the new one (the demo run gives all units the same histogram).
using System.Collections.Concurrent;
using Dissection.Core.Ablation;
using Dissection.Core.Dissection;
using Dissection.Core.Storage;

namespace Dissection.EndToEnd.Tests;

public static class VariedRun
{
    public const int Units = 12;
    public static readonly string[] Classes = ["beach", "forest", "kitchen"];
    private static readonly ConcurrentDictionary<string, Lazy<long>> Written = new();

    /// <summary>The run (written once per fixture): layers conv4 and conv5 of 12 units, conv5 ablated.</summary>
    public static long For(DashboardFixture app) =>
        Written.GetOrAdd(app.Database, _ => new Lazy<long>(() => Write(app))).Value;

    /// <summary>Unit u's threshold: exact in binary, so the page and the API print the same number.</summary>
    public static float Threshold(int layerSeed, int u) => 0.25f + 0.125f * ((u * 5 + layerSeed) % 16);

    private static long Write(DashboardFixture app)
    {
        using var store = ResultsStore.Open(app.Database);
        var dataset = Path.Combine(app.DataFolder, "world");
        var id = store.Runs.CreateRun("varied run", "world-vgg", dataset, ["conv4", "conv5"], new DissectionSettings { TopK = 8 });
        store.Runs.SetStatus(id, RunStatus.Running);
        store.Layers.SaveLayer(id, Layer("conv4", 4));
        store.Layers.SaveLayer(id, Layer("conv5", 5));
        store.Runs.SetStatus(id, RunStatus.Done, null, DemoResults.Images);
        store.Ablations.SaveAblation(id, Ablation("conv5"));
        return id;
    }

    private static LayerResult Layer(string name, int seed)
    {
        var units = new List<UnitResult>();
        for (var u = 0; u < Units; u++)
        {
            // Four concepts in turn, so every label has units in both layers (chips that cross layers); conv4 has
            // no wheel, so the two layers' concept histograms differ.
            var k = seed == 4 && u % 4 == 3 ? 0 : u % 4;
            var (concept, category) = DemoResults.Concepts[k];
            var iou = 0.05 + 0.01 * ((u * 7 + seed) % 13);
            var label = new ConceptScore(k + 1, concept, category, iou);
            var (c2, k2) = DemoResults.Concepts[4 + (u + seed) % 4];
            var (c3, k3) = DemoResults.Concepts[(u + 1) % 4];
            List<ConceptScore> tops = [label, new(5 + (u + seed) % 4, c2, k2, iou * 0.6), new((u + 1) % 4 + 1, c3, k3, iou * 0.3)];
            var images = Enumerable.Range(0, 4).Select(r =>
            {
                var img = (u * 3 + r) % DemoResults.Images;
                return new TopImage(img, $"img{img:D3}.png", 3f - r * 0.1f, DemoResults.MapSize, DemoResults.MapSize,
                    Enumerable.Repeat(0.2f + r, DemoResults.MapSize * DemoResults.MapSize).ToArray());
            }).ToList();
            var counts = Enumerable.Range(0, 16).Select(b => (long)(1000 * Math.Exp(-b / (1.0 + u % 5))) + u + 1).ToArray();
            units.Add(new UnitResult(u, Threshold(seed, u), label, tops, [label], images, new ActivationHistogram(0f, 2f + u * 0.25f, counts)));
        }
        return new LayerResult(name, [Units, DemoResults.MapSize, DemoResults.MapSize], units, DemoResults.Images, TimeSpan.FromSeconds(1));
    }

    /// <summary>Removing unit u costs class c a drop that differs per (u, c).</summary>
    private static AblationResult Ablation(string layer)
    {
        var baseline = new ClassMetrics([0.8, 0.8, 0.8], [0.9, 0.9, 0.9], 0.8, 0.7);
        double[] Ba(int u) => Classes.Select((_, c) => 0.9 - 0.01 * ((u * 3 + c * 5) % 11)).ToArray();
        var list = Enumerable.Range(0, Units).Select(u => new UnitAblation(u, new ClassMetrics([0.8, 0.8, 0.8], Ba(u), 0.8, 0.7))).ToList();
        var importance = Classes.Select((name, c) => new ClassImportance(c, name, 0.9,
            Enumerable.Range(0, 3).Select(k => new UnitDrop((c * 4 + k) % Units, 0.1 * (3 - k))).ToList())).ToList();
        var sizes = ClassImportanceRanking.GroupSizes(Units);
        var curves = Classes.Select((_, c) => new GroupCurve(c, sizes.Select(n =>
            new GroupPoint(n, Math.Max(0.3, 0.9 - 0.04 * n * (c + 1)), 0.5 + 0.4 * n / Units)).ToList())).ToList();
        return new AblationResult(layer, true, "val", DemoResults.Images, "split", "", Classes, baseline, list, importance, curves);
    }
}
