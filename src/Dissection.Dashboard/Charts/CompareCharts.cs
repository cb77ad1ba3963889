// Plotly figures of the /compare page: the change in detector units per concept (diverging bars) and detector
// units per category for both sides (grouped bars). The side-by-side histograms reuse ChartFactory.ConceptBars.
using Dissection.Dashboard.Gallery;
using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;

namespace Dissection.Dashboard.Charts;

public static class CompareCharts
{
    public const string ColorA = "#64748b", ColorB = "#f28e2b";

    /// <summary>B minus A per concept, one horizontal bar each, growth on top and loss at the bottom, coloured by
    /// category. Unchanged concepts are left out; at most <paramref name="max"/> bars, the largest changes.</summary>
    public static Figure Deltas(IReadOnlyList<ConceptDelta> deltas, int max = 40)
    {
        var shown = deltas.Where(d => d.Delta != 0)
            .OrderByDescending(d => Math.Abs(d.Delta)).ThenBy(d => d.Concept, StringComparer.Ordinal)
            .Take(max)
            .OrderBy(d => d.Delta).ThenByDescending(d => d.Concept, StringComparer.Ordinal)
            .ToList();
        IList<ITrace> data =
        [
            new Bar
            {
                Orientation = Plotly.Blazor.Traces.BarLib.OrientationEnum.H,
                Y = shown.Select(d => (object)Label(d)).ToList(),
                X = shown.Select(d => (object)d.Delta).ToList(),
                Marker = new Plotly.Blazor.Traces.BarLib.Marker { ColorArray = shown.Select(d => (object)d.Color).ToList() },
                CustomData = shown.Select(d => (object)$"{d.UnitsA} → {d.UnitsB}").ToList(),
                HoverTemplate = "%{y}: %{customdata} units (%{x:+d})<extra></extra>",
            },
        ];
        var layout = ChartLayout.Base("detector units, B − A", null, margin: (160, 20, 10, 50), height: Math.Max(240, 22 * shown.Count + 80));
        layout.ShowLegend = false;
        layout.XAxis[0].ZeroLineColor = "#374151";
        layout.XAxis[0].ZeroLineWidth = 2;
        layout.XAxis[0].GridColor = ChartLayout.GridColor;
        layout.YAxis = [new YAxis { Type = Plotly.Blazor.LayoutLib.YAxisLib.TypeEnum.Category }];
        return new Figure(data, layout);
    }

    /// <summary>Detector units per category, one bar per side.</summary>
    public static Figure Categories(IReadOnlyList<CategoryDelta> categories, string nameA, string nameB)
    {
        var x = categories.Select(c => (object)(c.Category == "" ? "unknown" : c.Category)).ToList();
        IList<ITrace> data =
        [
            new Bar { Name = "A: " + nameA, X = x, Y = categories.Select(c => (object)c.UnitsA).ToList(),
                Marker = new Plotly.Blazor.Traces.BarLib.Marker { Color = ColorA }, HoverTemplate = "A %{x}: %{y} detectors<extra></extra>" },
            new Bar { Name = "B: " + nameB, X = x, Y = categories.Select(c => (object)c.UnitsB).ToList(),
                Marker = new Plotly.Blazor.Traces.BarLib.Marker { Color = ColorB }, HoverTemplate = "B %{x}: %{y} detectors<extra></extra>" },
        ];
        var layout = ChartLayout.Base(null, "detector units", margin: (50, 20, 30, 60), height: 320, categoryX: true,
            barMode: BarModeEnum.Group, legendY: 1.15m);
        return new Figure(data, layout);
    }

    private static string Label(ConceptDelta d) => $"{d.Concept} ({d.Category})";
}
