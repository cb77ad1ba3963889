// The dashboard's one chart component. Plotly.Blazor draws a chart once, on its first render, and never again on its
// own: a page that reused its instance after an in-page navigation (→ on a unit page, a chip, Back) kept the old
// unit's data under the new heading. Here a new Figure object redraws the chart (Plotly.react), so a chart always
// shows the figure its page holds. A click on a point reports the point's x to OnClick, when given.
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
    private Figure? _drawn;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            _drawn = Figure;   // the inner chart draws this figure itself on its first render
            return;
        }
        if (_plot is null || ReferenceEquals(_drawn, Figure)) return;
        _drawn = Figure;
        // Interop calls run in order, so this redraw always follows the inner chart's first plot.
        await _plot.React();
    }

    private void OnPlotted()
    {
        if (_plot is not null && OnClick.HasDelegate) _ = _plot.SubscribeClickEvent();
    }

    private void OnPoints(IEnumerable<EventDataPoint> points)
    {
        if (points.FirstOrDefault()?.X?.ToString() is { Length: > 0 } x) _ = InvokeAsync(() => OnClick.InvokeAsync(x));
    }
}
