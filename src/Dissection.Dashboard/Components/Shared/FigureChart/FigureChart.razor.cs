// The dashboard's one chart component. Plotly.Blazor draws a chart once, on its first render, and never again on its
// own: a page that reused its instance after an in-page navigation (→ on a unit page, a chip, Back) kept the old
// unit's data under the new heading. Here the inner chart is keyed by the figure, so a new Figure object replaces the
// chart element and plots the new data; the old drawing cannot survive it. (Calling Plotly.react on the kept element
// left the previous unit's chart in 1 of 20 parallel sessions on a loaded machine.) A click on a point reports the
// point's x to OnClick, when given.
using Dissection.Dashboard.Charts;
using Microsoft.AspNetCore.Components;
using Plotly.Blazor;
using Plotly.Blazor.Interop;

namespace Dissection.Dashboard.Components.Shared;

public sealed partial class FigureChart
{
    [Parameter, EditorRequired] public Figure Figure { get; set; } = default!;
    /// <summary>Called with the clicked point's x value (a bar's category, say).</summary>
    [Parameter] public EventCallback<string> OnClick { get; set; }

    private readonly Config _config = ChartFactory.Config();
    private PlotlyChart? _plot;

    private void OnPlotted()
    {
        if (_plot is not null && OnClick.HasDelegate) _ = _plot.SubscribeClickEvent();
    }

    private void OnPoints(IEnumerable<EventDataPoint> points)
    {
        if (points.FirstOrDefault()?.X?.ToString() is { Length: > 0 } x) _ = InvokeAsync(() => OnClick.InvokeAsync(x));
    }
}
