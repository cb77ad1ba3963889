// Reads every Plotly chart of a page as data (traces' x/y, shapes, annotations), so a test can compare what a page
// shows after an in-page navigation with what a fresh load of the same URL shows, chart by chart.
using System.Text.Json;
using Microsoft.Playwright;

namespace Dissection.EndToEnd.Tests;

public static class ChartSnapshot
{
    /// <summary>One line per drawn chart, in page order, named by the nearest ancestor with an id.</summary>
    private const string Read = """
        () => [...document.querySelectorAll('.js-plotly-plot')].filter(gd => Array.isArray(gd.data)).map(gd => JSON.stringify({
            at: gd.parentElement?.closest('[id]')?.id ?? '',
            data: gd.data.map(t => ({ type: t.type ?? '', name: t.name ?? '', x: t.x ?? null, y: t.y ?? null })),
            shapes: ((gd.layout || {}).shapes || []).map(s => [s.x0, s.x1, s.y0, s.y1]),
            notes: ((gd.layout || {}).annotations || []).map(a => a.text),
        })).join('\n')
        """;

    public static Task<string> Take(IPage page) => page.EvaluateAsync<string>(Read);

    /// <summary>The charts of a freshly loaded page once every chart is drawn and they stop changing.</summary>
    public static async Task<string> Settled(IPage page)
    {
        const string drawn = """
            () => { const all = [...document.querySelectorAll('[id^="PlotlyChart"]')];
                    return all.length > 0 && all.every(d => Array.isArray(d.data) && d.querySelector('.main-svg')); }
            """;
        await page.WaitForFunctionAsync(drawn);
        string last = "", now;
        while ((now = await Take(page)) != last)
        {
            last = now;
            await Task.Delay(500);
            await page.WaitForFunctionAsync(drawn);
        }
        return now;
    }

    /// <summary>Waits until the page's charts equal <paramref name="expected"/>; fails with both when they never do.</summary>
    public static async Task WaitForEqual(IPage page, string expected, string what)
    {
        try { await page.WaitForFunctionAsync($"expected => ({Read})() === expected", expected, new() { Timeout = 15_000 }); }
        catch (TimeoutException)
        {
            Assert.Fail($"{what}: the charts differ from a fresh load of {page.Url}.\nshown:\n{await Take(page)}\nfresh:\n{expected}");
        }
    }

    /// <summary>The traces of the chart inside the element with this id.</summary>
    public static async Task<JsonElement> Traces(IPage page, string id) =>
        JsonDocument.Parse(await page.EvaluateAsync<string>(
            "id => JSON.stringify(document.querySelector('#' + id + ' .js-plotly-plot').data)", id)).RootElement;

    /// <summary>The shapes (x0 of each) of the chart inside the element with this id.</summary>
    public static Task<double[]> ShapeX(IPage page, string id) =>
        page.EvaluateAsync<double[]>("id => ((document.querySelector('#' + id + ' .js-plotly-plot')?.layout ?? {}).shapes || []).map(s => s.x0)", id);
}
