// The teaching page: unit, threshold, concept and IoU, each shown on the best detector of the first finished run.
using System.Globalization;
using Dissection.Core.Dissection;
using Dissection.Core.Storage;
using Dissection.Dashboard.Charts;
using Dissection.Dashboard.Services;
using Microsoft.AspNetCore.Components;
using Plotly.Blazor;

namespace Dissection.Dashboard.Components.Pages;

/// <summary>The worked IoU example: two overlapping rectangles on an 8x8 grid.</summary>
internal static class IouDemo
{
    public static bool InUnit(int x, int y) => x is >= 1 and <= 5 && y is >= 1 and <= 4;
    public static bool InConcept(int x, int y) => x is >= 3 and <= 6 && y is >= 2 and <= 6;
    private static IEnumerable<(int X, int Y)> Cells => Enumerable.Range(0, 64).Select(i => (i % 8, i / 8));
    public static int Both => Cells.Count(c => InUnit(c.X, c.Y) && InConcept(c.X, c.Y));
    public static int Either => Cells.Count(c => InUnit(c.X, c.Y) || InConcept(c.X, c.Y));
    public static double Iou => (double)Both / Either;
}

public sealed partial class Learn
{
    [Inject] private ResultsService Results { get; set; } = default!;

    private sealed record Example(RunInfo Run, string Layer, UnitResult Unit);

    private Example? _example;
    private bool _loaded;
    private Config _config = ChartFactory.Config();
    private Plotly.Blazor.Layout _histLayout = new();
    private IList<ITrace> _histData = [];
    private string _quantileText = "1 %";
    private string _iouText = "0.04";

    protected override async Task OnInitializedAsync()
    {
        try
        {
            var run = (await Results.ListRunsAsync()).Where(r => r.Status == RunStatus.Done).MinBy(r => r.Id);
            if (run is not null)
            {
                _quantileText = (run.Settings.Quantile * 100).ToString("0.##", CultureInfo.InvariantCulture) + " %";
                _iouText = run.Settings.IouThreshold.ToString("0.###", CultureInfo.InvariantCulture);
                (string Layer, int Unit, double Iou)? best = null;
                foreach (var layer in await Results.GetLayerNamesAsync(run))
                    foreach (var u in await Results.GetUnitsAsync(run, layer) ?? [])
                        if (u.TopImages > 0 && (best is null || u.Iou > best.Value.Iou)) best = (layer, u.Unit, u.Iou);
                if (best is { } b && await Results.GetUnitAsync(run, b.Layer, b.Unit) is { } unit)
                {
                    _example = new Example(run, b.Layer, unit);
                    var hist = ChartFactory.ActivationHistogram(unit.Histogram, unit.Threshold);
                    (_histData, _histLayout) = (hist.Data, hist.Layout);
                }
            }
        }
        catch (Exception) { /* the page still teaches without a live example */ }
        _loaded = true;
    }
}
