// Plotly figures of GAN dissection's two causal experiments (dissect gan-removal / gan-context): how much of an object
// remains as its top k units are zeroed, and how much of it appears when its units are switched on in each context.
using Dissection.Core.Gan;
using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;

namespace Dissection.Dashboard.Charts;

public static class GanExperimentCharts
{
    /// <summary>Remaining share of the concept's pixels against k, with the 99 % interval as error bars.</summary>
    public static Figure Removal(RemovalCurve c)
    {
        var points = c.Points;
        IList<ITrace> data =
        [
            new Scatter
            {
                Name = $"{c.ConceptName} remaining",
                X = points.Select(p => (object)p.Units).ToList(),
                Y = points.Select(p => (object)p.Remaining).ToList(),
                Mode = Plotly.Blazor.Traces.ScatterLib.ModeFlag.Lines | Plotly.Blazor.Traces.ScatterLib.ModeFlag.Markers,
                Line = new Plotly.Blazor.Traces.ScatterLib.Line { Color = "#15803d", Width = 2 },
                ErrorY = new Plotly.Blazor.Traces.ScatterLib.ErrorY
                {
                    Type = Plotly.Blazor.Traces.ScatterLib.ErrorYLib.TypeEnum.Data,
                    Symmetric = false,
                    Array = points.Select(p => (object)(double.IsFinite(p.High) ? p.High - p.Remaining : 0)).ToList(),
                    ArrayMinus = points.Select(p => (object)(double.IsFinite(p.Low) ? p.Remaining - p.Low : 0)).ToList(),
                    Visible = true,
                },
                HoverTemplate = "%{x} units zeroed: %{y:.0%} remains<extra></extra>",
            },
        ];
        return new Figure(data, Layout($"{c.ConceptName} units zeroed (top k by IoU)", "share of the object remaining", category: false));
    }

    /// <summary>Mean added area per context (99 % interval), contexts with at least <paramref name="minCells"/> cells.</summary>
    public static Figure Context(ContextInsertion r, int minCells = 10)
    {
        var rows = r.Contexts.Where(c => c.Cells >= minCells).OrderByDescending(c => c.MeanAdded).ToList();
        IList<ITrace> data =
        [
            new Bar
            {
                Name = $"{r.ConceptName} added",
                X = rows.Select(c => (object)c.ContextName).ToList(),
                Y = rows.Select(c => (object)c.MeanAdded).ToList(),
                CustomData = rows.Select(c => (object)c.Cells).ToList(),
                ErrorY = new Plotly.Blazor.Traces.BarLib.ErrorY
                {
                    Type = Plotly.Blazor.Traces.BarLib.ErrorYLib.TypeEnum.Data,
                    Array = rows.Select(c => (object)(double.IsFinite(c.High) ? c.High - c.MeanAdded : 0)).ToList(),
                    Visible = true,
                },
                Marker = new Plotly.Blazor.Traces.BarLib.Marker { Color = "#15803d" },
                HoverTemplate = "in %{x}: %{y:.2%} of the image added (%{customdata} cells)<extra></extra>",
            },
        ];
        return new Figure(data, Layout("context at the edited cell", $"{r.ConceptName} area added (share of image)", category: true));
    }

    private static Plotly.Blazor.Layout Layout(string xTitle, string yTitle, bool category)
    {
        var layout = ChartLayout.Base(xTitle, yTitle, margin: (60, 20, 20, 90), height: 320, categoryX: category);
        layout.ShowLegend = false;
        layout.YAxis[0].TickFormat = ".0%";
        return layout;
    }
}
