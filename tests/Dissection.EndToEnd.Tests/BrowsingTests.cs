// A reader's path through stored results: run overview, layer gallery, filters, unit page, arrow keys, permalinks.
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Dissection.EndToEnd.Tests;

[Collection(DashboardCollection.Name)]
public class BrowsingTests(DashboardFixture app)
{
    private string Url(string path) => app.BaseUrl + path;

    [Fact]
    public async Task Run_overview_draws_the_stacked_detector_chart()
    {
        var page = await app.NewPage();
        await app.Open(page, $"/runs/{app.RunId}");
        await page.WaitForSelectorAsync("#detectors-chart .main-svg");
        Assert.Equal(2, await page.Locator(".layer-link").CountAsync());
        // One legend entry per category present; each bar trace is drawn.
        Assert.True(await page.Locator("#detectors-chart .trace.bars").CountAsync() >= 3);
        await app.Screenshot(page, "run-overview");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Layer_page_draws_the_concept_histogram_and_loads_gallery_images()
    {
        var page = await app.NewPage();
        await app.Open(page, $"/runs/{app.RunId}/layers/conv5");
        await page.WaitForSelectorAsync("#concept-chart .main-svg");
        await page.WaitForSelectorAsync("#gallery img.dd-strip");
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#gallery img.dd-strip')].slice(0, 3).every(i => i.complete && i.naturalWidth > 0)");
        Assert.Contains("of 512 units", await page.Locator("#gallery-count").InnerTextAsync());
        // Virtualised: far fewer rows in the DOM than units.
        var rows = await page.Locator("#gallery .dd-unit-row").CountAsync();
        Assert.InRange(rows, 1, 100);
        await app.Screenshot(page, "layer-gallery");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Filter_by_concept_open_a_unit_walk_with_arrow_keys_and_share_the_permalink()
    {
        var page = await app.NewPage();
        await app.Open(page, $"/runs/{app.RunId}/layers/conv5");
        await page.WaitForSelectorAsync("#gallery img.dd-strip");

        // Choose "tree" in the concept filter.
        await page.Locator("#filter-concept-box .mud-input-control").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "tree (" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("concept=tree"));
        await page.WaitForFunctionAsync("() => { const l = [...document.querySelectorAll('#gallery .dd-unit-label')]; return l.length > 0 && l.every(e => e.textContent.trim() === 'tree'); }");
        var labels = await page.Locator("#gallery .dd-unit-label").AllInnerTextsAsync();
        Assert.NotEmpty(labels);
        Assert.All(labels, l => Assert.Equal("tree", l.Trim()));
        await app.Screenshot(page, "layer-filtered");

        // Open the first unit; the filter rides along.
        await page.Locator("#gallery .dd-unit-row a").First.ClickAsync();
        await page.WaitForSelectorAsync("#unit-number");
        await page.WaitForSelectorAsync("#histogram-chart .main-svg");
        var first = await page.Locator("#unit-number").InnerTextAsync();
        Assert.Contains("concept=tree", page.Url);
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#top-images img')].slice(0, 2).every(i => i.complete && i.naturalWidth > 0)");
        await app.Screenshot(page, "unit-page");

        // Keys only work once the page has registered its handler (after the first interactive render); under load
        // that can come after the images, so wait for it rather than lose the key press.
        const string arrowsReady = "() => !!(window.dissection && window.dissection._arrows)";
        await page.WaitForFunctionAsync(arrowsReady);
        await page.Keyboard.PressAsync("ArrowRight");
        await page.WaitForFunctionAsync($"() => document.querySelector('#unit-number')?.textContent.trim() !== '{first}'");
        var second = await page.Locator("#unit-number").InnerTextAsync();
        Assert.NotEqual(first, second);
        Assert.Contains("tree", await page.Locator("#unit-label").InnerTextAsync());
        await page.WaitForFunctionAsync(arrowsReady);
        await page.Keyboard.PressAsync("ArrowLeft");
        await page.WaitForFunctionAsync($"() => document.querySelector('#unit-number')?.textContent.trim() === '{first}'");
        await page.WaitForFunctionAsync(arrowsReady);
        await page.Keyboard.PressAsync("ArrowRight");
        await page.WaitForFunctionAsync($"() => document.querySelector('#unit-number')?.textContent.trim() === '{second}'");

        // Copy the permalink and open it in a fresh browser context.
        await page.Locator("#copy-link").ClickAsync();
        var link = await page.Locator("#permalink").InputValueAsync();
        Assert.Equal(page.Url, link);
        var fresh = await app.NewPage();
        await fresh.GotoAsync(link);
        await fresh.WaitForSelectorAsync("#unit-number");
        Assert.Equal(second, await fresh.Locator("#unit-number").InnerTextAsync());
        Assert.Contains("concept: tree", await fresh.Locator("#unit-filters").InnerTextAsync());
        await fresh.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Gallery_permalink_restores_sort_and_filters_in_a_new_browser()
    {
        var page = await app.NewPage();
        await app.Open(page, $"/runs/{app.RunId}/layers/conv5?sort=iou&cat=object&min=0.1");
        await page.WaitForSelectorAsync("#gallery .dd-unit-row");
        var ious = (await page.Locator("#gallery .dd-unit-iou").AllInnerTextsAsync())
            .Select(t => double.Parse(t.Replace("IoU", "").Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(ious);
        Assert.All(ious, v => Assert.True(v >= 0.1));
        Assert.Equal(ious.OrderByDescending(v => v).ToList(), ious);
        var cats = await page.Locator("#gallery .dd-cat").AllInnerTextsAsync();
        Assert.All(cats, c => Assert.Equal("object", c));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Concept_page_lists_units_across_layers()
    {
        var page = await app.NewPage();
        await app.Open(page, $"/runs/{app.RunId}/concepts/sky");
        await page.WaitForSelectorAsync("#concept-units .dd-unit-row");
        var labels = await page.Locator("#concept-units .dd-unit-label").AllInnerTextsAsync();
        Assert.All(labels, l => Assert.Equal("sky", l.Trim()));
        await app.Screenshot(page, "concept-page");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Learn_page_shows_a_live_example()
    {
        var page = await app.NewPage();
        await app.Open(page, "/learn");
        await page.WaitForSelectorAsync("#learn-histogram .main-svg");
        await page.WaitForSelectorAsync("#iou-demo");
        await app.Screenshot(page, "learn");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("/runs/999")]
    [InlineData("/runs/1/layers/nope")]
    [InlineData("/runs/1/layers/conv5/units/99999")]
    [InlineData("/no/such/page")]
    public async Task Stale_links_show_a_friendly_not_found(string path)
    {
        var page = await app.NewPage();
        await app.Open(page, path.Replace("/runs/1/", $"/runs/{app.RunId}/"));
        await page.WaitForSelectorAsync("#not-found");
        Assert.Contains("Not found", await page.Locator("#not-found").InnerTextAsync());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Api_answers_json_404_and_images_with_etags()
    {
        using var http = new HttpClient();
        var missing = await http.GetAsync(Url("/api/runs/999"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("\"error\"", await missing.Content.ReadAsStringAsync());

        var units = await http.GetStringAsync(Url($"/api/runs/{app.RunId}/layers/conv5/units"));
        Assert.Contains("\"concept\"", units);

        // Enums are words, and the API describes itself with OpenAPI.
        using (var runs = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(Url("/api/runs"))))
        {
            var demo = runs.RootElement.EnumerateArray().Single(r => r.GetProperty("id").GetInt64() == app.RunId);
            Assert.Equal("done", demo.GetProperty("status").GetString());
            Assert.Equal("pnas", demo.GetProperty("settings").GetProperty("method").GetString());
        }
        using (var openApi = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(Url("/openapi/v1.json"))))
        {
            var paths = openApi.RootElement.GetProperty("paths");
            Assert.True(paths.TryGetProperty("/api/runs", out _));
            Assert.True(paths.TryGetProperty("/api/runs/{run}", out _));
        }

        var img = await http.GetAsync(Url($"/api/runs/{app.RunId}/layers/conv5/units/3/images/0.png?size=112"));
        Assert.Equal(HttpStatusCode.OK, img.StatusCode);
        Assert.Equal("image/png", img.Content.Headers.ContentType?.MediaType);
        var etag = img.Headers.ETag;
        Assert.NotNull(etag);
        var again = new HttpRequestMessage(HttpMethod.Get, Url($"/api/runs/{app.RunId}/layers/conv5/units/3/images/0.png?size=112"));
        again.Headers.IfNoneMatch.Add(etag!);
        Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(again)).StatusCode);

        var csv = await http.GetStringAsync(Url($"/api/runs/{app.RunId}/layers/conv5/export.csv"));
        Assert.Equal(513, csv.Trim().Split('\n').Length);
        // The HTML report is written by a job (ReportTests); the endpoint serves only a finished one.
        var noRun = await http.GetAsync(Url("/api/runs/99/report.html"));
        Assert.Equal(HttpStatusCode.NotFound, noRun.StatusCode);
        Assert.Contains("No run 99", await noRun.Content.ReadAsStringAsync());
    }
}
