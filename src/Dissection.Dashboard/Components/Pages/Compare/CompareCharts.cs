// Plotly figures of the /compare page: the change in detector units per concept (diverging bars) and detector
// units per category for both sides (grouped bars). The side-by-side histograms reuse ChartFactory.ConceptBars.
using Dissection.Dashboard.Charts;
using Dissection.Dashboard.Gallery;
using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;

namespace Dissection.Dashboard.Components.Pages;

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
        var layout = new Plotly.Blazor.Layout
        {
            Height = Math.Max(240, 22 * shown.Count + 80),
            Margin = new Margin { L = 160, R = 20, T = 10, B = 50 },
            PaperBgColor = "rgba(0,0,0,0)",
            PlotBgColor = "rgba(0,0,0,0)",
            ShowLegend = false,
            Font = new Font { Family = "system-ui, Segoe UI, Roboto, sans-serif", Size = 12 },
            XAxis = [new XAxis { Title = new Plotly.Blazor.LayoutLib.XAxisLib.Title { Text = "detector units, B − A" }, ZeroLineColor = "#374151", ZeroLineWidth = 2, GridColor = "#e5e7eb" }],
            YAxis = [new YAxis { Type = Plotly.Blazor.LayoutLib.YAxisLib.TypeEnum.Category }],
        };
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
        var layout = new Plotly.Blazor.Layout
        {
            BarMode = BarModeEnum.Group,
            Height = 320,
            Margin = new Margin { L = 50, R = 20, T = 30, B = 60 },
            PaperBgColor = "rgba(0,0,0,0)",
            PlotBgColor = "rgba(0,0,0,0)",
            Font = new Font { Family = "system-ui, Segoe UI, Roboto, sans-serif", Size = 12 },
            Legend = [new Legend { Orientation = Plotly.Blazor.LayoutLib.LegendLib.OrientationEnum.H, Y = 1.15m }],
            XAxis = [new XAxis { Type = Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum.Category }],
            YAxis = [new YAxis { Title = new Plotly.Blazor.LayoutLib.YAxisLib.Title { Text = "detector units" }, GridColor = "#e5e7eb" }],
        };
        return new Figure(data, layout);
    }

    private static string Label(ConceptDelta d) => $"{d.Concept} ({d.Category})";
}
