// Measures (without asserting times; speed belongs in `dissect bench`) what a reader waits for: the server render of
// a 512-unit layer page and one thumbnail with a cold and a warm disk cache. Writes the numbers to bench.txt.
using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;

namespace Dissection.EndToEnd.Tests;

[Collection(DashboardCollection.Name)]
public class ServerTimingProbe(DashboardFixture app, ITestOutputHelper output)
{
    [Fact]
    public async Task Layer_page_and_thumbnails_are_served_and_timed()
    {
        using var http = new HttpClient();
        var lines = new List<string>();

        var page = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var sw = Stopwatch.StartNew();
            var html = await http.GetStringAsync($"{app.BaseUrl}/runs/{app.RunId}/layers/conv5?sort=iou");
            page.Add(sw.Elapsed.TotalMilliseconds);
            Assert.Contains("of 512 units", html);
        }
        lines.Add($"layer page (512 units, server render): first {page[0]:0} ms, then {page.Skip(1).Min():0} ms");

        // Units not touched by other tests: a cold cache means a real render.
        double cold = 0, warm = 0;
        const int n = 8;
        for (var unit = 300; unit < 300 + n; unit++)
        {
            var url = $"{app.BaseUrl}/api/runs/{app.RunId}/layers/conv5/units/{unit}/images/0.png?size=112";
            var sw = Stopwatch.StartNew();
            var r1 = await http.GetAsync(url);
            cold += sw.Elapsed.TotalMilliseconds;
            Assert.Equal(HttpStatusCode.OK, r1.StatusCode);
            sw.Restart();
            var r2 = await http.GetAsync(url);
            warm += sw.Elapsed.TotalMilliseconds;
            Assert.Equal(HttpStatusCode.OK, r2.StatusCode);
            Assert.Equal(await r1.Content.ReadAsByteArrayAsync(), await r2.Content.ReadAsByteArrayAsync());
        }
        lines.Add($"thumbnail 112 px: cold cache {cold / n:0.0} ms, warm cache {warm / n:0.0} ms (mean of {n})");
        lines.Add($"load average at the time: {File.ReadAllText("/proc/loadavg").Trim()}");
        foreach (var l in lines) output.WriteLine(l);
        File.WriteAllLines(Path.Combine(app.ScreenshotFolder, "bench.txt"), lines);
    }
}
