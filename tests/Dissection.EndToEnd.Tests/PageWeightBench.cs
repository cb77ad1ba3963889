// Measurements, not assertions of speed (the developers' guide keeps timings out of pass/fail): the run page's first
// chart with a cold and a warm browser cache, and the HTML report's time to first progress, total time and size.
// They print their figures; run them against the fixture, or against a running dashboard (say, on the demo store):
//   DD_BENCH_URL=http://127.0.0.1:5000 DD_BENCH_RUNS=1,2 dotnet test tests/Dissection.EndToEnd.Tests \
//     --filter "FullyQualifiedName~PageWeightBench" --logger "console;verbosity=detailed"
using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Dissection.EndToEnd.Tests;

[Collection(DashboardCollection.Name)]
public class PageWeightBench(DashboardFixture app, ITestOutputHelper output)
{
    private string BaseUrl => Environment.GetEnvironmentVariable("DD_BENCH_URL") is { Length: > 0 } u ? u.TrimEnd('/') : app.BaseUrl;

    private long[] Runs => Environment.GetEnvironmentVariable("DD_BENCH_RUNS") is { Length: > 0 } r
        ? r.Split(',').Select(long.Parse).ToArray()
        : [app.RunId];

    private static string Ms(double v) => v.ToString("0", CultureInfo.InvariantCulture) + " ms";

    [Fact]
    public async Task Run_page_chart_time_with_a_cold_and_a_warm_cache()
    {
        const int repeats = 3;
        foreach (var run in Runs)
        {
            var url = $"{BaseUrl}/runs/{run}";
            var cold = new List<double>();
            var warm = new List<double>();
            string weight = "";
            for (var i = 0; i < repeats; i++)
            {
                // A fresh context is a fresh browser profile: empty cache. The second visit in it is the warm one.
                var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
                foreach (var list in new[] { cold, warm })
                {
                    var page = await context.NewPageAsync();
                    var clock = Stopwatch.StartNew();
                    await page.GotoAsync(url);
                    await page.WaitForSelectorAsync("#detectors-chart .main-svg", new() { Timeout = 60_000 });
                    list.Add(clock.Elapsed.TotalMilliseconds);
                    if (list == cold)
                        weight = await page.EvaluateAsync<string>("""
                            () => performance.getEntriesByType('resource').filter(e => /plotly|MudBlazor|blazor\.web|dashboard/.test(e.name))
                              .map(e => `${e.name.replace(location.origin, '')}: ${e.transferSize} B over the wire, ${e.decodedBodySize} B decoded`).join('\n')
                            """);
                    await page.CloseAsync();
                }
                await context.CloseAsync();
            }
            cold.Sort();
            warm.Sort();
            output.WriteLine($"run {run}: first chart, cold cache: median {Ms(cold[repeats / 2])} ({string.Join(", ", cold.Select(Ms))})");
            output.WriteLine($"run {run}: first chart, warm cache: median {Ms(warm[repeats / 2])} ({string.Join(", ", warm.Select(Ms))})");
            output.WriteLine(weight);
            Assert.All(cold.Concat(warm), t => Assert.True(t > 0));
        }
    }

    [Fact]
    public async Task Report_time_to_progress_total_time_and_size()
    {
        foreach (var run in Runs)
        {
            var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
            var page = await context.NewPageAsync();
            await page.GotoAsync($"{BaseUrl}/runs/{run}");
            await page.WaitForSelectorAsync("#circuit-ready", new() { State = WaitForSelectorState.Attached });
            await page.WaitForSelectorAsync("#report");
            if (await page.Locator("#export-report").CountAsync() > 0)
            {
                output.WriteLine($"run {run}: a report already exists ({await page.Locator("#export-report").GetAttributeAsync("data-bytes")} bytes); " +
                                 "delete the cache folder's reports/ (and thumbs/ for a cold start) to measure again");
                await context.CloseAsync();
                continue;
            }
            var clock = Stopwatch.StartNew();
            await page.Locator("#report-start").ClickAsync();
            await page.WaitForSelectorAsync("#report-progress, #export-report");
            var toProgress = clock.Elapsed.TotalMilliseconds;
            await page.WaitForSelectorAsync("#export-report", new() { Timeout = 600_000 });
            var total = clock.Elapsed.TotalMilliseconds;
            var bytes = long.Parse((await page.Locator("#export-report").GetAttributeAsync("data-bytes"))!);
            output.WriteLine($"run {run}: report progress shown after {Ms(toProgress)}, done after {Ms(total)}, {bytes} bytes ({bytes / 1e6:0.0} MB)");
            Assert.True(bytes > 0);
            await context.CloseAsync();
        }
    }
}
