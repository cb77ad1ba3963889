// Plotly figures of the ablation pages: a class's two group-ablation curves, the classes that depend on a unit, and
// the importance-vs-IoU boxes of the paper.
using System.Globalization;
using Dissection.Core.Ablation;
using Dissection.Core.Storage;
using Dissection.Dashboard.Ablation;
using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;

namespace Dissection.Dashboard.Charts;

public static class AblationCharts
{
    /// <summary>Balanced accuracy of the class vs N: remove its N most important units, or remove every unit but them.
    /// The dashed line is the unablated baseline; chance is 0.5.</summary>
    public static Figure GroupCurves(GroupCurve curve, double baseline, string metric)
    {
        var x = curve.Points.Select(p => (object)p.N).ToList();
        IList<ITrace> data =
        [
            CurveTrace("remove the top N units", x, curve.Points.Select(p => p.RemoveTop), "#e15759", "top %{x} removed: %{y:.3f}<extra></extra>"),
            CurveTrace("remove all but the top N", x, curve.Points.Select(p => p.KeepTop), "#4e79a7", "only the top %{x} kept: %{y:.3f}<extra></extra>"),
        ];
        var layout = Layout("N (units, log scale)", metric);
        layout.XAxis[0].Type = Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum.Log;
        layout.YAxis[0].Range = [0.4, 1.02];
        layout.Shapes =
        [
            HLine(baseline, "#6b7280", "dash"),
            HLine(0.5, "#9ca3af", "dot"),
        ];
        layout.Annotations =
        [
            new Annotation
            {
                X = 1, XRef = "paper", Y = baseline, XAnchor = Plotly.Blazor.LayoutLib.AnnotationLib.XAnchorEnum.Right,
                YAnchor = Plotly.Blazor.LayoutLib.AnnotationLib.YAnchorEnum.Bottom, ShowArrow = false,
                Text = "unablated " + baseline.ToString("0.000", CultureInfo.InvariantCulture),
            },
        ];
        return new Figure(data, layout);
    }

    /// <summary>The classes whose balanced accuracy drops most when the unit alone is removed (largest first).</summary>
    public static Figure UnitDependence(UnitClassDependence d, int max = 15)
    {
        var drops = d.Drops;
        var shown = Enumerable.Range(0, drops.Length).Where(c => double.IsFinite(drops[c]))
            .OrderByDescending(c => drops[c]).Take(max).Reverse().ToList();
        IList<ITrace> data =
        [
            new Bar
            {
                Orientation = Plotly.Blazor.Traces.BarLib.OrientationEnum.H,
                Y = shown.Select(c => (object)d.Classes[c]).ToList(),
                X = shown.Select(c => (object)drops[c]).ToList(),
                Marker = new Plotly.Blazor.Traces.BarLib.Marker { ColorArray = shown.Select(c => (object)(drops[c] > 0 ? "#e15759" : "#9ca3af")).ToList() },
                HoverTemplate = "%{y}: " + (d.Labelled ? "balanced accuracy" : "agreement") + " drops by %{x:.4f}<extra></extra>",
            },
        ];
        var layout = Layout(d.Labelled ? "drop in balanced accuracy" : "drop in agreement (label-free)", null);
        layout.ShowLegend = false;
        layout.Margin = new Margin { L = 140, R = 20, T = 10, B = 50 };
        layout.YAxis[0].Type = Plotly.Blazor.LayoutLib.YAxisLib.TypeEnum.Category;
        return new Figure(data, layout);
    }

    /// <summary>Best IoU of units binned by the number of classes for which they are important (the paper's figure).</summary>
    public static Figure ImportanceVsIou(IReadOnlyList<UnitImportance> units)
    {
        IList<ITrace> data =
        [
            new Box
            {
                X = units.Select(u => (object)AblationViews.Bin(u.Classes)).ToList(),
                Y = units.Select(u => (object)u.Iou).ToList(),
                TextArray = units.Select(u => $"unit {u.Unit}{(u.Label is null ? "" : " · " + u.Label)}").ToList(),
                BoxPoints = Plotly.Blazor.Traces.BoxLib.BoxPointsEnum.All,
                Marker = new Plotly.Blazor.Traces.BoxLib.Marker { Color = "#4e79a7", Size = 4 },
                HoverTemplate = "%{text}: IoU %{y:.3f}<extra></extra>",
                Name = "units",
            },
        ];
        var layout = Layout("classes for which the unit is among the top important", "best IoU");
        layout.ShowLegend = false;
        layout.XAxis[0].Type = Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum.Category;
        layout.XAxis[0].CategoryArray = AblationViews.Bins.Cast<object>().ToList();
        layout.XAxis[0].CategoryOrder = Plotly.Blazor.LayoutLib.XAxisLib.CategoryOrderEnum.Array;
        return new Figure(data, layout);
    }

    private static Scatter CurveTrace(string name, IList<object> x, IEnumerable<double> y, string color, string hover) => new()
    {
        Name = name,
        X = x,
        Y = y.Select(v => (object)v).ToList(),
        Mode = Plotly.Blazor.Traces.ScatterLib.ModeFlag.Lines | Plotly.Blazor.Traces.ScatterLib.ModeFlag.Markers,
        Line = new Plotly.Blazor.Traces.ScatterLib.Line { Color = color, Width = 2 },
        HoverTemplate = hover,
    };

    private static Shape HLine(double y, string color, string dash) => new()
    {
        Type = Plotly.Blazor.LayoutLib.ShapeLib.TypeEnum.Line,
        X0 = 0, X1 = 1, XRef = "paper", Y0 = y, Y1 = y,
        Line = new Plotly.Blazor.LayoutLib.ShapeLib.Line { Color = color, Width = 1, Dash = dash },
    };

    private static Plotly.Blazor.Layout Layout(string? xTitle, string? yTitle) =>
        ChartLayout.Base(xTitle, yTitle, margin: (60, 20, 30, 60), legendY: 1.15m);
}
