// The Plotly figures: one stacked trace per category with its colour, and the threshold marked on histograms.
using Dissection.Core.Dissection;
using Dissection.Dashboard.Charts;
using Dissection.Dashboard.Gallery;
using Plotly.Blazor.Traces;

namespace Dissection.Dashboard.Tests.Charts;

public class ChartFactoryTests
{
    [Fact]
    public void Detector_chart_stacks_one_trace_per_category_across_layers()
    {
        var layers = new[]
        {
            new LayerCategoryCounts("conv3", 64, new Dictionary<string, int> { ["color"] = 5, ["texture"] = 3 }, 6),
            new LayerCategoryCounts("conv5", 128, new Dictionary<string, int> { ["object"] = 20, ["color"] = 1 }, 15),
        };
        var fig = ChartFactory.DetectorsPerLayer(layers);
        Assert.Equal(Plotly.Blazor.LayoutLib.BarModeEnum.Stack, fig.Layout.BarMode);
        var bars = fig.Data.OfType<Bar>().ToList();
        var line = fig.Data.OfType<Scatter>().Single();
        Assert.Equal([6, 15], line.Y.Cast<int>());
        Assert.Equal("y2", line.YAxis);
        Assert.Equal(["object", "texture", "color"], bars.Select(b => b.Name));
        var color = bars.Single(b => b.Name == "color");
        Assert.Equal(["conv3", "conv5"], color.X.Cast<string>());
        Assert.Equal([5, 1], color.Y.Cast<int>());
        Assert.Equal([0, 20], bars.Single(b => b.Name == "object").Y.Cast<int>());
        Assert.Equal(CategoryPalette.ColorOf("texture"), bars.Single(b => b.Name == "texture").Marker.Color);
    }

    [Fact]
    public void Concept_bars_follow_the_histogram_order_and_colours()
    {
        var counts = new[] { new ConceptCount("sky", "scene", 3, "#a"), new ConceptCount("tree", "object", 2, "#b") };
        var bar = (Bar)ChartFactory.ConceptBars(counts).Data.Single();
        Assert.Equal(["sky", "tree"], bar.X.Cast<string>());
        Assert.Equal([3, 2], bar.Y.Cast<int>());
        Assert.Equal(["#a", "#b"], bar.Marker.ColorArray.Cast<string>());
    }

    [Fact]
    public void Activation_histogram_marks_the_threshold_and_highlights_bins_above_it()
    {
        var h = new ActivationHistogram(0f, 4f, [10, 5, 2, 1]);
        var fig = ChartFactory.ActivationHistogram(h, 2.5f);
        var bar = (Bar)fig.Data.Single();
        Assert.Equal([0.5, 1.5, 2.5, 3.5], bar.X.Cast<double>());
        var colours = bar.Marker.ColorArray.Cast<string>().ToList();
        Assert.Equal(colours[0], colours[1]);
        Assert.NotEqual(colours[0], colours[3]);
        var line = fig.Layout.Shapes.Single();
        Assert.Equal(2.5f, Convert.ToSingle(line.X0));
        Assert.Equal(2.5f, Convert.ToSingle(line.X1));
    }
}
