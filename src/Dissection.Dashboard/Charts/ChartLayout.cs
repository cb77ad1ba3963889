// The one base layout of every dashboard chart: transparent background, the page's font, a horizontal legend above
// the plot and light grid lines. Builders in Charts/ start from it and set only what their chart needs.
using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;

namespace Dissection.Dashboard.Charts;

public static class ChartLayout
{
    public const string GridColor = "#e5e7eb";

    /// <param name="margin">Left, right, top, bottom in pixels; long category labels need more than the default.</param>
    /// <param name="categoryX">The x axis holds names (layers, concepts), not numbers.</param>
    public static Layout Base(string? xTitle, string? yTitle, (int L, int R, int T, int B)? margin = null, int height = 340,
        bool categoryX = false, BarModeEnum? barMode = null, decimal legendY = 1.12m)
    {
        var (l, r, t, b) = margin ?? (50, 20, 20, 90);
        return new Layout
        {
            BarMode = barMode,
            Height = height,
            Margin = new Margin { L = l, R = r, T = t, B = b },
            PaperBgColor = "rgba(0,0,0,0)",
            PlotBgColor = "rgba(0,0,0,0)",
            Font = new Font { Family = "system-ui, Segoe UI, Roboto, sans-serif", Size = 12 },
            Legend = [new Legend { Orientation = Plotly.Blazor.LayoutLib.LegendLib.OrientationEnum.H, Y = legendY }],
            XAxis =
            [
                new XAxis
                {
                    Title = xTitle is null ? null : new Plotly.Blazor.LayoutLib.XAxisLib.Title { Text = xTitle },
                    Type = categoryX ? Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum.Category : null,
                },
            ],
            YAxis =
            [
                new YAxis
                {
                    Title = yTitle is null ? null : new Plotly.Blazor.LayoutLib.YAxisLib.Title { Text = yTitle },
                    GridColor = GridColor,
                },
            ],
        };
    }
}
