// Plotly figures of the dashboard, built from plain summaries: detectors per category per layer (stacked),
// the concept histogram, a unit's activation histogram with its threshold, and a unit's top concepts.
using System.Globalization;
using Dissection.Core.Dissection;
using Dissection.Dashboard.Gallery;
using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;

namespace Dissection.Dashboard.Charts;

public sealed record Figure(IList<ITrace> Data, Layout Layout);

public static class ChartFactory
{
    public static Config Config() => new() { Responsive = true, DisplayLogo = false, DisplayModeBar = Plotly.Blazor.ConfigLib.DisplayModeBarEnum.Hover };

    /// <summary>One bar per layer, one stacked colour per category (the paper's summary figure).</summary>
    public static Figure DetectorsPerLayer(IReadOnlyList<LayerCategoryCounts> layers)
    {
        var categories = CategoryPalette.Sort(layers.SelectMany(l => l.DetectorsPerCategory.Keys)).ToList();
        var x = layers.Select(l => (object)l.Layer).ToList();
        IList<ITrace> data = categories.Select(c => (ITrace)new Bar
        {
            Name = c == "" ? "unknown" : c,
            X = x,
            Y = layers.Select(l => (object)(l.DetectorsPerCategory.TryGetValue(c, out var n) ? n : 0)).ToList(),
            Marker = new Plotly.Blazor.Traces.BarLib.Marker { Color = CategoryPalette.ColorOf(c) },
            HoverTemplate = "%{x}: %{y} " + c + " detectors<extra></extra>",
        }).ToList();
        // Unique concepts per layer on a second axis: how varied the detectors are, not only how many.
        data.Add(new Scatter
        {
            Name = "unique concepts",
            X = x,
            Y = layers.Select(l => (object)l.UniqueConcepts).ToList(),
            YAxis = "y2",
            Mode = Plotly.Blazor.Traces.ScatterLib.ModeFlag.Lines | Plotly.Blazor.Traces.ScatterLib.ModeFlag.Markers,
            Line = new Plotly.Blazor.Traces.ScatterLib.Line { Color = "#374151", Width = 2 },
            HoverTemplate = "%{x}: %{y} unique concepts<extra></extra>",
        });
        var layout = BaseLayout(BarModeEnum.Stack, "layer", "detector units", categoryAxis: true);
        layout.YAxis.Add(new YAxis
        {
            Title = new Plotly.Blazor.LayoutLib.YAxisLib.Title { Text = "unique concepts" },
            Overlaying = "y",
            Side = Plotly.Blazor.LayoutLib.YAxisLib.SideEnum.Right,
            ShowGrid = false,
            RangeMode = Plotly.Blazor.LayoutLib.YAxisLib.RangeModeEnum.ToZero,
        });
        layout.Margin = new Margin { L = 50, R = 60, T = 20, B = 90 };
        return new Figure(data, layout);
    }

    /// <summary>Detector units per concept, sorted descending, coloured by category.</summary>
    public static Figure ConceptBars(IReadOnlyList<ConceptCount> counts, int max = 60)
    {
        var shown = counts.Take(max).ToList();
        IList<ITrace> data =
        [
            new Bar
            {
                X = shown.Select(c => (object)c.Concept).ToList(),
                Y = shown.Select(c => (object)c.Units).ToList(),
                Marker = new Plotly.Blazor.Traces.BarLib.Marker { ColorArray = shown.Select(c => (object)c.Color).ToList() },
                CustomData = shown.Select(c => (object)c.Category).ToList(),
                HoverTemplate = "%{x} (%{customdata}): %{y} units<extra></extra>",
            },
        ];
        var layout = BaseLayout(BarModeEnum.Group, null, "units", categoryAxis: true);
        layout.ShowLegend = false;
        layout.XAxis[0].TickAngle = -45;
        return new Figure(data, layout);
    }

    /// <summary>The activation histogram of the raw map cells (log counts) with the unit's threshold as a dashed line.</summary>
    public static Figure ActivationHistogram(ActivationHistogram h, float threshold)
    {
        var bins = h.Counts.Length;
        var width = bins == 0 ? 1 : (h.Max - h.Min) / bins;
        var centres = Enumerable.Range(0, bins).Select(i => (object)(h.Min + (i + 0.5) * width)).ToList();
        IList<ITrace> data =
        [
            new Bar
            {
                X = centres,
                Y = h.Counts.Select(c => (object)c).ToList(),
                Marker = new Plotly.Blazor.Traces.BarLib.Marker { ColorArray = centres.Select(c => (object)((double)c > threshold ? "#f2b705" : "#8da2c9")).ToList() },
                HoverTemplate = "activation %{x:.3f}: %{y} map cells<extra></extra>",
                Name = "map cells",
            },
        ];
        var layout = BaseLayout(BarModeEnum.Group, "activation (raw map)", "map cells (log)", categoryAxis: false);
        layout.ShowLegend = false;
        layout.BarGap = 0;
        layout.YAxis[0].Type = Plotly.Blazor.LayoutLib.YAxisLib.TypeEnum.Log;
        layout.Shapes =
        [
            new Shape
            {
                Type = Plotly.Blazor.LayoutLib.ShapeLib.TypeEnum.Line,
                X0 = threshold, X1 = threshold, Y0 = 0, Y1 = 1, YRef = "paper",
                Line = new Plotly.Blazor.LayoutLib.ShapeLib.Line { Color = "#e15759", Width = 2, Dash = "dash" },
            },
        ];
        layout.Annotations =
        [
            new Annotation
            {
                X = threshold, Y = 1, YRef = "paper", XAnchor = Plotly.Blazor.LayoutLib.AnnotationLib.XAnchorEnum.Left,
                Text = "threshold " + threshold.ToString("0.###", CultureInfo.InvariantCulture), ShowArrow = false,
                Font = new Plotly.Blazor.LayoutLib.AnnotationLib.Font { Color = "#e15759" },
            },
        ];
        return new Figure(data, layout);
    }

    /// <summary>IoU of the unit's best concepts (horizontal bars, best on top), with the detector cut-off.</summary>
    public static Figure TopConcepts(IReadOnlyList<ConceptScore> concepts, double iouThreshold)
    {
        var ordered = concepts.OrderBy(c => c.Iou).ToList();
        IList<ITrace> data =
        [
            new Bar
            {
                Orientation = Plotly.Blazor.Traces.BarLib.OrientationEnum.H,
                Y = ordered.Select(c => (object)$"{c.Name} ({c.Category})").ToList(),
                X = ordered.Select(c => (object)c.Iou).ToList(),
                Marker = new Plotly.Blazor.Traces.BarLib.Marker { ColorArray = ordered.Select(c => (object)CategoryPalette.ColorOf(c.Category)).ToList() },
                HoverTemplate = "%{y}: IoU %{x:.3f}<extra></extra>",
            },
        ];
        var layout = BaseLayout(BarModeEnum.Group, "IoU", null, categoryAxis: false);
        layout.ShowLegend = false;
        layout.Margin = new Margin { L = 150, R = 20, T = 20, B = 50 };
        layout.Shapes =
        [
            new Shape
            {
                Type = Plotly.Blazor.LayoutLib.ShapeLib.TypeEnum.Line,
                X0 = iouThreshold, X1 = iouThreshold, Y0 = 0, Y1 = 1, YRef = "paper",
                Line = new Plotly.Blazor.LayoutLib.ShapeLib.Line { Color = "#6b7280", Width = 1, Dash = "dot" },
            },
        ];
        return new Figure(data, layout);
    }

    private static Layout BaseLayout(BarModeEnum mode, string? xTitle, string? yTitle, bool categoryAxis) =>
        ChartLayout.Base(xTitle, yTitle, categoryX: categoryAxis, barMode: mode);
}
