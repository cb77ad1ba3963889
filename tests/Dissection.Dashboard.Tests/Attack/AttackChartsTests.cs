// The /attack page's figures: unit groups coloured apart with every unit drawn once, and experiment bars whose error
// bars are the stored 99 % half-widths.
using Dissection.Core.Attacks;
using Dissection.Dashboard.Components.Pages;
using Plotly.Blazor.Traces;
using Dissection.Core.Statistics;
using Dissection.Dashboard.Charts;

namespace Dissection.Dashboard.Tests.Attack;

public class AttackChartsTests
{
    [Fact]
    public void Peak_shift_chart_draws_each_unit_once_in_its_group()
    {
        var shift = new PeakShift([1f, 1f, 1f, 1f, 1f], [3f, 0.5f, 1f, 1.2f, 0f]);  // Δ = 2, -0.5, 0, 0.2, -1
        var fig = AttackCharts.PeakShifts(shift, target: [0], source: [4, 1]);
        var bars = fig.Data.Cast<Bar>().ToList();
        Assert.Equal(["other units", "source's important", "target's important"], bars.Select(b => b.Name));
        Assert.Equal([3, 2], bars[0].CustomData.Cast<int>());       // units 3 (Δ 0.2) and 2 (Δ 0), sorted by Δ
        Assert.Equal([1, 4], bars[1].CustomData.Cast<int>());
        Assert.Equal([0], bars[2].CustomData.Cast<int>());
        Assert.Equal([2f], bars[2].Y.Cast<float>());
        Assert.Equal([0], bars[2].X.Cast<int>());                   // the largest Δ is ranked first
        Assert.Equal(5, bars.Sum(b => b.X.Count));
    }

    [Fact]
    public void Experiment_chart_uses_the_interval_half_width_as_error_bar()
    {
        var target = MeanInterval.Of([0.5, 0.7, 0.9]);
        var result = new AttackExperimentResult("conv5", 1, "bedroom", new AttackSettings(4 / 255.0), 10, 10, 8, 5, 0.7, 0.015, 0.9, [1, 2],
            [new(GroupStatistics.Target, target, target), new(GroupStatistics.Source, MeanInterval.Of([0.2, 0.4]), MeanInterval.Of([0.2, 0.4])),
             new(GroupStatistics.Other, MeanInterval.Of([0.1]), MeanInterval.Of([0.1]))], "");
        var fig = AttackCharts.Experiments([result], signed: false);
        var bars = fig.Data.Cast<Bar>().ToList();
        Assert.Equal(3, bars.Count);
        Assert.Equal(["bedroom · linf ε=4/255"], bars[0].X.Cast<string>());
        Assert.Equal(0.7, (double)bars[0].Y[0], 12);
        Assert.Equal(2.58 * target.StandardError, (double)bars[0].ErrorY.Array[0], 12);
        Assert.Equal(0.0, (double)bars[2].ErrorY.Array[0]);  // one image: no interval, drawn without a bar
    }
}
