// GAN paint links in a real browser: ten strokes make a link well under 2,000 characters that replays the same PNG
// in a fresh browser; a view whose link grows past Links.MaxDirectLink is shared as a short /s/ link that replays it
// exactly; the chosen mode, brush and strength are visible and pressed for assistive technology.
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Dissection.EndToEnd.Tests;

[Collection(DashboardCollection.Name)]
public class GanLinkTests(DashboardFixture app, ITestOutputHelper output)
{
    private static byte[] Png(string? dataUrl)
    {
        Assert.NotNull(dataUrl);
        return Convert.FromBase64String(dataUrl!["data:image/png;base64,".Length..]);
    }

    /// <summary>One diagonal stroke across the canvas, offset by k so strokes differ.</summary>
    private static async Task Stroke(IPage page, int k, int expectedStrokes)
    {
        var box = await page.Locator("#gan-canvas").BoundingBoxAsync();
        Assert.NotNull(box);
        var (x0, y0) = (0.1f + 0.07f * (k % 10), 0.1f + 0.05f * (k % 7));
        await page.Mouse.MoveAsync(box!.X + box.Width * x0, box.Y + box.Height * y0);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + box.Width * (x0 + 0.1f), box.Y + box.Height * (y0 + 0.15f), new() { Steps = 4 });
        await page.Mouse.MoveAsync(box.X + box.Width * (x0 + 0.2f), box.Y + box.Height * (y0 + 0.2f), new() { Steps = 4 });
        await page.Mouse.UpAsync();
        await page.WaitForSelectorAsync($"#gan-edited[data-strokes='{expectedStrokes}']", new() { Timeout = 60_000 });
    }

    private async Task<(string Link, byte[] Edited)> Paint(IPage page, string layer, int units, int strokes)
    {
        await app.Open(page, $"/gan/{DashboardFixture.GanModel}?seed=5&layer={layer}");
        await page.WaitForSelectorAsync("#gan-edited[data-strokes='0']");
        await DashboardFixture.PickUnitsByHand(page);
        for (var u = 0; u < units; u++) await page.Locator($"#gan-unit-{u * 3 % 32 % (layer == "layer4" ? 32 : 8)}").CheckAsync();
        for (var k = 0; k < strokes; k++)
        {
            await page.Locator(k % 2 == 0 ? "#gan-mode-erase" : "#gan-mode-paint").ClickAsync();
            await Stroke(page, k, k + 1);
        }
        await page.WaitForFunctionAsync("n => location.search.includes('strokes=') && location.search.split('strokes=')[1].split('.').length === n", strokes);
        return (page.Url, Png(await page.Locator("#gan-edited").GetAttributeAsync("src")));
    }

    private async Task<byte[]> Replay(string url, int strokes)
    {
        var fresh = await app.NewPage();
        try
        {
            await app.Open(fresh, url.StartsWith("http") ? new Uri(url).PathAndQuery : url);
            await fresh.WaitForSelectorAsync($"#gan-edited[data-strokes='{strokes}']", new() { Timeout = 60_000 });
            Assert.Equal(0, await fresh.Locator("#gan-link-error").CountAsync());
            return Png(await fresh.Locator("#gan-edited").GetAttributeAsync("src"));
        }
        finally { await fresh.Context.CloseAsync(); }
    }

    [Fact]
    public async Task Ten_strokes_make_a_short_link_that_replays_the_same_png()
    {
        var page = await app.NewPage();
        page.SetDefaultTimeout(60_000);
        var (link, edited) = await Paint(page, "layer4", units: 16, strokes: 10);
        output.WriteLine($"10 strokes of 16 units on layer4 (32 units, 8x8): link {link.Length} characters");
        Assert.True(link.Length < 1000, $"{link.Length} characters: {link}");
        Assert.Equal(edited, await Replay(link, 10));

        // Short enough to share as it is.
        await page.Locator("#copy-link").ClickAsync();
        Assert.Equal(link, await page.Locator("#permalink").InputValueAsync());
        Assert.Equal(0, await page.Locator("#permalink-short").CountAsync());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_link_past_the_limit_is_shared_as_a_short_link_that_replays_exactly()
    {
        var page = await app.NewPage();
        page.SetDefaultTimeout(60_000);
        // layer9 is 64x64: every stroke's mask is 512 bytes, so four strokes pass 2,000 characters.
        var (link, edited) = await Paint(page, "layer9", units: 4, strokes: 4);
        output.WriteLine($"4 strokes on layer9 (8 units, 64x64): link {link.Length} characters");
        Assert.True(link.Length > 2000, $"{link.Length}");
        await page.Locator("#copy-link").ClickAsync();
        await page.WaitForSelectorAsync("#permalink-short");
        var shortLink = await page.Locator("#permalink").InputValueAsync();
        output.WriteLine($"short link: {shortLink} ({shortLink.Length} characters)");
        Assert.Matches(new Regex("^http://127\\.0\\.0\\.1:\\d+/s/[0-9A-Za-z]{7,}$"), shortLink);

        Assert.Equal(edited, await Replay(shortLink, 4));
        // The same view gets the same short link.
        await page.Locator("#copy-link").ClickAsync();   // closes
        await page.Locator("#copy-link").ClickAsync();
        await page.WaitForSelectorAsync("#permalink-short");
        Assert.Equal(shortLink, await page.Locator("#permalink").InputValueAsync());
        await page.Context.CloseAsync();

        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var r = await http.GetAsync(shortLink);
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.Equal(new Uri(link).PathAndQuery, r.Headers.Location is { } to ? (to.IsAbsoluteUri ? to.PathAndQuery : to.OriginalString) : null);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(app.BaseUrl + "/s/NoSuchId")).StatusCode);
        // Long views load: the server takes request lines far past its old 8 KB limit (the 10-stroke link got 414).
        var longUrl = $"{app.BaseUrl}/runs/{app.RunId}/layers/conv5?q=" + new string('x', 20_000);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(longUrl)).StatusCode);
    }

    [Fact]
    public async Task The_chosen_mode_brush_and_strength_look_chosen_and_are_pressed()
    {
        var page = await app.NewPage();
        await app.Open(page, $"/gan/{DashboardFixture.GanModel}?seed=1&layer=layer4");
        await page.WaitForSelectorAsync("#gan-edited[data-strokes='0']");   // the page has loaded its layer
        async Task<(string Pressed, string Background)> State(string id) =>
            (await page.Locator(id).GetAttributeAsync("aria-pressed") ?? "",
             await page.Locator(id).EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
        async Task AssertChosen(string on, string off)
        {
            // The buttons' fill is a CSS transition: wait until it has finished, or a busy machine reads a colour
            // half-way (or still transparent) a frame after the click.
            await page.WaitForFunctionAsync(
                "ids => ids.every(id => document.querySelector(id).getAnimations().every(a => a.playState === 'finished'))" +
                " && document.querySelector(ids[0]).getAttribute('aria-pressed') === 'true'", new[] { on, off });
            var (pOn, bOn) = await State(on);
            var (pOff, bOff) = await State(off);
            Assert.Equal(("true", "false"), (pOn, pOff));
            Assert.NotEqual(bOn, bOff);
            Assert.NotEqual("rgba(0, 0, 0, 0)", bOn);   // filled
        }
        await AssertChosen("#gan-mode-erase", "#gan-mode-paint");
        await AssertChosen("#gan-brush-M", "#gan-brush-S");
        await AssertChosen("#gan-brush-M", "#gan-brush-L");
        await page.Locator("#gan-mode-paint").ClickAsync();
        await AssertChosen("#gan-mode-paint", "#gan-mode-erase");
        await page.Locator("#gan-brush-L").ClickAsync();
        await AssertChosen("#gan-brush-L", "#gan-brush-M");
        // Which unit picker a fresh page chooses depends on whether the store holds a dissection of this generator's
        // layer: with one, units of a concept; without, by hand.
        if (await page.Locator("#gan-by-concept").IsDisabledAsync())
            await AssertChosen("#gan-by-hand", "#gan-by-concept");
        else
        {
            await AssertChosen("#gan-by-concept", "#gan-by-hand");
            await page.Locator("#gan-by-hand").ClickAsync();
            await AssertChosen("#gan-by-hand", "#gan-by-concept");
        }
        await page.Context.CloseAsync();
    }
}
