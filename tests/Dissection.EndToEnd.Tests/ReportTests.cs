// The HTML report: written as a job from the run page (progress, cancel), one self-contained file whose every src
// and href is a data: URI or an in-page anchor, each top image once (JPEG) and one mask strip per unit, and it opens
// offline looking like the app.
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SixLabors.ImageSharp;

namespace Dissection.EndToEnd.Tests;

[Collection(DashboardCollection.Name)]
public partial class ReportTests(DashboardFixture app)
{
    [GeneratedRegex("""\s(src|href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")]
    private static partial Regex Links();

    [GeneratedRegex(@"\.i(\d+)\{background-image:url\(data:image/jpeg;base64,([A-Za-z0-9+/=]+)\)\}")]
    private static partial Regex CssImages();

    [GeneratedRegex("<img[^>]*>")]
    private static partial Regex ImgTags();

    [GeneratedRegex("""\sid\s*=\s*"([^"]+)"|\sid=([^\s>"]+)""")]
    private static partial Regex Ids();

    [Fact]
    public async Task Report_is_a_job_whose_file_opens_offline_and_stores_each_image_once()
    {
        var page = await app.NewPage();
        await app.Open(page, $"/runs/{app.SmallRunId}");
        await page.Locator("#report-start").ClickAsync();
        await page.WaitForSelectorAsync("#export-report", new() { Timeout = 60_000 });
        var href = await page.Locator("#export-report").GetAttributeAsync("href");
        Assert.Equal($"/api/runs/{app.SmallRunId}/report.html", href);

        using var http = new HttpClient();
        var response = await http.GetAsync(app.BaseUrl + href);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(long.Parse((await page.Locator("#export-report").GetAttributeAsync("data-bytes"))!), response.Content.Headers.ContentLength);

        // Offline by construction: every link is inline data or an anchor that exists in the page, and CSS fetches
        // nothing but inline images.
        var ids = Ids().Matches(html).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value).ToHashSet();
        var links = Links().Matches(html).Select(m => m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Success ? m.Groups[3].Value : m.Groups[4].Value).ToList();
        Assert.NotEmpty(links);
        foreach (var link in links)
        {
            if (link.StartsWith('#')) Assert.Contains(link[1..], ids);
            else Assert.StartsWith("data:image/png;base64,", link);
        }
        var cssImages = CssImages().Matches(html).ToList();
        Assert.Equal(Regex.Matches(html, @"url\(").Count, cssImages.Count);

        // Nothing stored twice: each top image of the run once, as a 96-px JPEG thumbnail in a CSS class ...
        var expected = new Dictionary<string, JsonElement>();
        var topImages = new HashSet<int>();
        foreach (var layer in new[] { "conv3", "conv5" })
            foreach (var u in JsonDocument.Parse(await http.GetStringAsync($"{app.BaseUrl}/api/runs/{app.SmallRunId}/layers/{layer}/units")).RootElement.EnumerateArray())
            {
                expected[$"{layer}/{u.GetProperty("unit").GetInt32()}"] = u;
                var detail = JsonDocument.Parse(await http.GetStringAsync($"{app.BaseUrl}/api/runs/{app.SmallRunId}/layers/{layer}/units/{u.GetProperty("unit").GetInt32()}")).RootElement;
                foreach (var t in detail.GetProperty("topImages").EnumerateArray().Take(8)) topImages.Add(t.GetProperty("index").GetInt32());
            }
        Assert.Equal(topImages.Order(), cssImages.Select(m => int.Parse(m.Groups[1].Value)).Order());
        foreach (var m in cssImages)
        {
            var bytes = Convert.FromBase64String(m.Groups[2].Value);
            Assert.Equal(new byte[] { 0xFF, 0xD8, 0xFF }, bytes[..3]);
            Assert.Equal((96, 96), (Image.Identify(bytes).Width, Image.Identify(bytes).Height));
        }
        // ... and one mask strip per unit with top images (a unit whose masks equal an earlier one's points at it).
        var tags = ImgTags().Matches(html).Select(m => m.Value).ToList();
        Assert.Equal(expected.Values.Count(u => u.GetProperty("topImages").GetInt32() > 0), tags.Count);
        var images = links.Where(l => l.StartsWith("data:")).ToList();
        Assert.Equal(images.Count, images.Distinct().Count());
        var copies = tags.Where(t => t.Contains("data-copy=")).ToList();
        Assert.NotEmpty(copies);  // the fixture's two layers share images and maps
        Assert.Equal(tags.Count, images.Count + copies.Count);
        foreach (var c in copies) Assert.Contains(Regex.Match(c, "data-copy=\"([^\"]+)\"").Groups[1].Value, ids);
        foreach (var data in images)
        {
            var info = Image.Identify(Convert.FromBase64String(data["data:image/png;base64,".Length..]));
            Assert.Equal((8 * 96 + 7 * 2, 96), (info.Width, info.Height));
        }
        foreach (var u in expected.Values)
            Assert.Contains($"<div class=num>unit {u.GetProperty("unit").GetInt32()}</div><div class=label>{u.GetProperty("concept").GetString()}</div>", html);

        // Opened from disk in a browser with no network: nothing is requested but the file, every strip decodes.
        var file = Path.Combine(app.Root, "report-small.html");
        await File.WriteAllTextAsync(file, html);
        var context = await app.Browser.NewContextAsync(new() { Offline = true, ViewportSize = new() { Width = 1400, Height = 900 } });
        var requested = new List<string>();
        context.Request += (_, r) => requested.Add(r.Url);
        var offline = await context.NewPageAsync();
        await offline.GotoAsync("file://" + file);
        await offline.WaitForFunctionAsync("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)");
        Assert.Equal(tags.Count, await offline.EvaluateAsync<int>("() => document.images.length"));
        Assert.StartsWith("url(\"data:image/jpeg", await offline.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('.t')).backgroundImage"));
        Assert.All(requested, r => Assert.True(r.StartsWith("file://") || r.StartsWith("data:"), r));
        // The dashboard's look: its app bar colour and white cards on the grey background.
        Assert.Equal("rgb(36, 56, 95)", await offline.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('.bar')).backgroundColor"));
        Assert.Equal("rgb(246, 247, 251)", await offline.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor"));
        await offline.ScreenshotAsync(new() { Path = Path.Combine(app.ScreenshotFolder, "report-offline.png") });
        // An in-page link scrolls to its layer.
        await offline.Locator("a[href='#layer-conv5']").ClickAsync();
        await offline.WaitForFunctionAsync("() => Math.abs(document.getElementById('layer-conv5').getBoundingClientRect().top) < 5");
        await context.CloseAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_report_shows_its_progress_and_can_be_cancelled_then_written_again()
    {
        var page = await app.NewPage();
        await app.Open(page, $"/runs/{app.RunId}");
        await page.Locator("#report-start").ClickAsync();
        // 528 units: the job runs long enough to be seen part-way and cancelled.
        var progress = page.Locator("#report-progress");
        await progress.WaitForAsync();
        await page.WaitForFunctionAsync("() => { const p = document.getElementById('report-progress'); return p && +p.dataset.done > 0; }");
        var total = int.Parse((await progress.GetAttributeAsync("data-total"))!);
        Assert.Equal(512 + 16, total);
        Assert.InRange(int.Parse((await progress.GetAttributeAsync("data-done"))!), 1, total - 1);
        await page.Locator("#report-cancel").ClickAsync();
        await page.WaitForSelectorAsync("#report-message");
        Assert.Contains("Cancelled", await page.Locator("#report-message").InnerTextAsync());
        using var http = new HttpClient();
        var missing = await http.GetAsync($"{app.BaseUrl}/api/runs/{app.RunId}/report.html");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.DoesNotContain(app.Root, await missing.Content.ReadAsStringAsync());

        // Started again, it finishes, and a fresh load of the page offers the same file.
        await page.Locator("#report-start").ClickAsync();
        await page.WaitForSelectorAsync("#export-report", new() { Timeout = 300_000 });
        var bytes = await page.Locator("#export-report").GetAttributeAsync("data-bytes");
        var again = await app.NewPage();
        await app.Open(again, $"/runs/{app.RunId}");
        Assert.Equal(bytes, await again.Locator("#export-report").GetAttributeAsync("data-bytes"));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{app.BaseUrl}/api/runs/{app.RunId}/report.html")).StatusCode);
        await again.Context.CloseAsync();
        await page.Context.CloseAsync();
    }
}
