// A crawl of every route reachable from "/" on the fixture's store: each page is opened in the browser until its
// circuit runs, and must log no console error, throw no script error, answer 200 and not say "not found" (a soft 404).
// Links are followed breadth-first within the dashboard (no /api downloads); each route shape is visited a few times,
// not once per unit, so the crawl stays bounded.
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Dissection.EndToEnd.Tests;

[Collection(DashboardCollection.Name)]
public class CrawlTests(DashboardFixture app, ITestOutputHelper output)
{
    private const int MaxPages = 90, PerShape = 3;

    /// <summary>Links that may answer 404 on this store: the app bar's GAN paint page for the demo generator, which
    /// the fixture does not have (the page explains how to train it).</summary>
    private static readonly string[] ExpectedMissing = ["/gan/world-gan"];

    private static string Shape(string pathAndQuery)
    {
        var uri = new Uri("http://x" + pathAndQuery);
        var path = Regex.Replace(uri.AbsolutePath, @"/\d+", "/N");
        path = Regex.Replace(path, @"/(units|concepts|classes)/[^/]+", "/$1/X");
        var keys = string.Join(",", uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')[0]).Order());
        return path + "?" + keys;
    }

    [Fact]
    public async Task Every_route_from_home_loads_without_console_errors_or_soft_404s()
    {
        VariedRun.For(app);   // a run with an ablation too, so class pages and the playground are linked
        var page = await app.NewPage();
        var errors = new List<string>();
        string current = "/";
        page.Console += (_, m) =>
        {
            // The browser logs the 404 of a page that is meant to be missing; nothing else may be logged as an error.
            if (m.Type == "error" && !(ExpectedMissing.Contains(current) && m.Text.Contains("status of 404")))
                lock (errors) errors.Add($"{current}: console: {m.Text} ({m.Location})");
        };
        page.PageError += (_, e) => { lock (errors) errors.Add($"{current}: script error: {e}"); };
        // The console names no URL for a failed resource; this does, so a failure says what was missing.
        page.Response += (_, r) =>
        {
            if (r.Status >= 400 && !ExpectedMissing.Contains(current)) lock (errors) errors.Add($"{current}: {r.Status} for {r.Url}");
        };

        var queue = new Queue<string>(["/"]);
        var seen = new HashSet<string>(["/"]);
        var shapes = new Dictionary<string, int>();
        var problems = new List<string>();
        var visited = 0;
        while (queue.Count > 0 && visited < MaxPages)
        {
            current = queue.Dequeue();
            var response = await page.GotoAsync(app.BaseUrl + current);
            await page.WaitForSelectorAsync("#circuit-ready", new() { State = WaitForSelectorState.Attached });
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            visited++;
            var status = response?.Status ?? 0;
            var notFound = await page.Locator("#not-found, #gan-no-model").CountAsync() > 0;
            if (ExpectedMissing.Contains(current))
            {
                if (status != 404 || !notFound) problems.Add($"{current}: expected the friendly 404, got {status}");
            }
            else if (status != 200) problems.Add($"{current}: HTTP {status}");
            else if (notFound || Regex.IsMatch(await page.TitleAsync(), "^Not found")) problems.Add($"{current}: soft 404 (200 with a not-found page)");

            var hrefs = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))");
            foreach (var href in hrefs)
            {
                if (string.IsNullOrEmpty(href) || href.StartsWith('#') || href.StartsWith("data:") || href.StartsWith("mailto:")) continue;
                var uri = new Uri(new Uri(app.BaseUrl + current), href);
                if (uri.GetLeftPart(UriPartial.Authority) != app.BaseUrl) continue;
                var target = uri.PathAndQuery;
                if (target.StartsWith("/api/") || target.StartsWith("/assets/") || target.StartsWith("/_")) continue;
                if (!seen.Add(target)) continue;
                var shape = Shape(target);
                if (shapes.GetValueOrDefault(shape) >= PerShape) continue;
                shapes[shape] = shapes.GetValueOrDefault(shape) + 1;
                queue.Enqueue(target);
            }
        }
        output.WriteLine($"crawled {visited} pages of {shapes.Count} route shapes; {queue.Count} links left in the queue");
        foreach (var s in shapes.Keys.Order()) output.WriteLine("  " + s);
        await page.Context.CloseAsync();
        Assert.True(visited >= 20, $"only {visited} pages reached from /");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }
}
