// The causal-experiment figures of a GAN run: the removal curve plots every k with asymmetric 99 % error bars, and the
// context chart keeps only contexts with enough cells, largest added area first.
using Dissection.Core.Gan;
using Dissection.Dashboard.Charts;
using Plotly.Blazor.Traces;

namespace Dissection.Dashboard.Tests.Charts;

public class GanExperimentChartsTests
{
    [Fact]
    public void Removal_curve_plots_remaining_share_per_k_with_its_interval()
    {
        var curve = new RemovalCurve("layer4", 10, "tree", [5, 7], 500, 2,
        [
            new RemovalPoint(0, 0.03, 1.0, 1.0, 1.0),
            new RemovalPoint(1, 0.02, 0.7, 0.6, 0.75),
            new RemovalPoint(2, 0.015, 0.5, double.NaN, double.NaN),
        ]);
        var line = GanExperimentCharts.Removal(curve).Data.OfType<Scatter>().Single();
        Assert.Equal([0, 1, 2], line.X.Cast<int>());
        Assert.Equal([1.0, 0.7, 0.5], line.Y.Cast<double>());
        Assert.Equal([0.0, 0.05, 0.0], line.ErrorY.Array.Cast<double>().Select(v => Math.Round(v, 6)));
        Assert.Equal([0.0, 0.1, 0.0], line.ErrorY.ArrayMinus.Cast<double>().Select(v => Math.Round(v, 6)));
    }

    [Fact]
    public void Context_chart_drops_rare_contexts_and_sorts_by_added_area()
    {
        var result = new ContextInsertion("layer4", 10, "tree", [5], [2.5f], 100, 2, 0.03,
        [
            new ContextRow(1, "sky", 900, 0.001, 0.0, 0.002),
            new ContextRow(5, "grass", 300, 0.006, 0.004, 0.008),
            new ContextRow(9, "pier", 3, 0.05, 0.0, 0.1),
        ]);
        var bar = GanExperimentCharts.Context(result).Data.OfType<Bar>().Single();
        Assert.Equal(["grass", "sky"], bar.X.Cast<string>());
        Assert.Equal([0.006, 0.001], bar.Y.Cast<double>());
        Assert.Equal([300, 900], bar.CustomData.Cast<int>());
    }
}
