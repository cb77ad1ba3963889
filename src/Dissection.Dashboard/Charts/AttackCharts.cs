// Plotly figures of the /attack page: class probabilities before and after, Δ peak of the target's and source's
// important units against all other units, and the batch experiment's group means with 99 % intervals.
using Dissection.Core.Attacks;
using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;

namespace Dissection.Dashboard.Charts;

public static class AttackCharts
{
    public const string TargetColour = "#dc2626", SourceColour = "#2563eb", OtherColour = "#9ca3af";

    public static Figure Probabilities(IReadOnlyList<string> classes, AttackOutcome o)
    {
        var x = classes.Select(c => (object)c).ToList();
        IList<ITrace> data =
        [
            new Bar { Name = "clean", X = x, Y = o.CleanProbabilities.Select(p => (object)p).ToList(), Marker = new Plotly.Blazor.Traces.BarLib.Marker { Color = SourceColour } },
            new Bar { Name = "adversarial", X = x, Y = o.AdversarialProbabilities.Select(p => (object)p).ToList(), Marker = new Plotly.Blazor.Traces.BarLib.Marker { Color = TargetColour } },
        ];
        return new Figure(data, Layout(BarModeEnum.Group, "probability", category: true));
    }

    /// <summary>Every unit's Δ peak, sorted, coloured by group: the important units of target and source stand out
    /// (or do not) against the rest.</summary>
    public static Figure PeakShifts(PeakShift shift, IReadOnlyCollection<int> target, IReadOnlyCollection<int> source)
    {
        var units = Enumerable.Range(0, shift.Units).OrderByDescending(shift.Delta).ToList();
        ITrace Group(string name, string colour, Func<int, bool> member)
        {
            var members = units.Where(member).ToList();
            return new Bar
            {
                Name = name,
                X = members.Select(u => (object)units.IndexOf(u)).ToList(),
                Y = members.Select(u => (object)shift.Delta(u)).ToList(),
                CustomData = members.Select(u => (object)u).ToList(),
                Marker = new Plotly.Blazor.Traces.BarLib.Marker { Color = colour },
                Width = 1m,  // one slot per unit: Plotly would otherwise widen a sparse group's bars
                HoverTemplate = "unit %{customdata}: Δ peak %{y:.3f}<extra>" + name + "</extra>",
            };
        }
        IList<ITrace> data =
        [
            Group("other units", OtherColour, u => !target.Contains(u) && !source.Contains(u)),
            Group("source's important", SourceColour, source.Contains),
            Group("target's important", TargetColour, target.Contains),
        ];
        var layout = Layout(BarModeEnum.Overlay, "Δ peak activation", category: false);
        layout.XAxis[0].Title = new Plotly.Blazor.LayoutLib.XAxisLib.Title { Text = "units, sorted by Δ peak" };
        layout.BarGap = 0;
        return new Figure(data, layout);
    }

    /// <summary>Mean |Δ peak| (or mean Δ peak) per group with 99 % error bars, one bar group per stored experiment.</summary>
    public static Figure Experiments(IReadOnlyList<AttackExperimentResult> experiments, bool signed)
    {
        var x = experiments.Select(e => (object)$"{e.TargetName} · {AttackSettings.NormName(e.Attack.Norm)} ε={Budget(e.Attack)}").ToList();
        IList<ITrace> data = GroupStatistics.Names.Select(g =>
        {
            var stats = experiments.Select(e => signed ? e.Group(g).Delta : e.Group(g).AbsDelta).ToList();
            return (ITrace)new Bar
            {
                Name = g switch { GroupStatistics.Target => "target's important units", GroupStatistics.Source => "source's important units", _ => "other units" },
                X = x,
                Y = stats.Select(s => (object)(double.IsFinite(s.Mean) ? s.Mean : 0)).ToList(),
                ErrorY = new Plotly.Blazor.Traces.BarLib.ErrorY
                {
                    Type = Plotly.Blazor.Traces.BarLib.ErrorYLib.TypeEnum.Data,
                    Array = stats.Select(s => (object)(double.IsFinite(s.High) ? s.High - s.Mean : 0)).ToList(),
                    Visible = true,
                },
                Marker = new Plotly.Blazor.Traces.BarLib.Marker { Color = g switch { GroupStatistics.Target => TargetColour, GroupStatistics.Source => SourceColour, _ => OtherColour } },
            };
        }).ToList();
        return new Figure(data, Layout(BarModeEnum.Group, signed ? "mean Δ peak (99 % CI)" : "mean |Δ peak| (99 % CI)", category: true));
    }

    public static string Budget(AttackSettings a) => a.Norm == AttackNorm.Linf
        ? $"{Math.Round(a.Epsilon * 255, 2).ToString(System.Globalization.CultureInfo.InvariantCulture)}/255"
        : a.Epsilon.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);

    private static Plotly.Blazor.Layout Layout(BarModeEnum mode, string yTitle, bool category) =>
        ChartLayout.Base(null, yTitle, margin: (55, 20, 20, 80), height: 320, categoryX: category, barMode: mode, legendY: 1.15m);
}
