// The GAN paint page in a real browser: a mouse stroke, or a keyboard stroke, on the canvas changes the edited
// picture, and the permalink, opened in a fresh browser context, reproduces the same PNG byte for byte.
using Microsoft.Playwright;

namespace Dissection.EndToEnd.Tests;

[Collection(DashboardCollection.Name)]
public class GanPaintTests(DashboardFixture app)
{
    private static byte[] Png(string? dataUrl)
    {
        Assert.NotNull(dataUrl);
        Assert.StartsWith("data:image/png;base64,", dataUrl);
        return Convert.FromBase64String(dataUrl["data:image/png;base64,".Length..]);
    }

    [Fact]
    public async Task A_painted_stroke_changes_the_picture_and_its_permalink_reproduces_it_exactly()
    {
        var page = await app.NewPage();
        await app.Open(page, $"/gan/{DashboardFixture.GanModel}?seed=5&layer=layer4");
        await page.WaitForSelectorAsync("#gan-edited[data-strokes='0']");
        var original = Png(await page.Locator("#gan-original").GetAttributeAsync("src"));
        Assert.Equal(original, Png(await page.Locator("#gan-edited").GetAttributeAsync("src")));

        // Pick units by hand, then erase them along a diagonal stroke.
        await DashboardFixture.PickUnitsByHand(page);
        for (var u = 0; u < 16; u++) await page.Locator($"#gan-unit-{u}").CheckAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('#gan-hand-count').textContent === '16'");
        var box = await page.Locator("#gan-canvas").BoundingBoxAsync();
        Assert.NotNull(box);
        await page.Mouse.MoveAsync(box.X + box.Width * 0.3f, box.Y + box.Height * 0.3f);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + box.Width * 0.45f, box.Y + box.Height * 0.4f, new() { Steps = 5 });
        await page.Mouse.MoveAsync(box.X + box.Width * 0.6f, box.Y + box.Height * 0.55f, new() { Steps = 5 });
        await page.Mouse.UpAsync();
        await page.WaitForSelectorAsync("#gan-edited[data-strokes='1']");
        var edited = Png(await page.Locator("#gan-edited").GetAttributeAsync("src"));
        Assert.NotEqual(original, edited);
        Assert.Contains("erase hand-picked units · 16 units", await page.Locator("#gan-strokes").InnerTextAsync());
        await app.Screenshot(page, "gan-paint");

        // The URL now carries the stroke; a fresh browser gets the very same bytes.
        await page.WaitForFunctionAsync("() => location.search.includes('strokes=')");
        var link = page.Url;
        var fresh = await app.NewPage();
        await app.Open(fresh, new Uri(link).PathAndQuery);
        await fresh.WaitForSelectorAsync("#gan-edited[data-strokes='1']");
        Assert.Equal(edited, Png(await fresh.Locator("#gan-edited").GetAttributeAsync("src")));
        Assert.Equal(original, Png(await fresh.Locator("#gan-original").GetAttributeAsync("src")));

        // Undo in the first browser goes back to the original picture; the second keeps its own stroke.
        await page.Locator("#gan-undo").ClickAsync();
        await page.WaitForSelectorAsync("#gan-edited[data-strokes='0']");
        Assert.Equal(original, Png(await page.Locator("#gan-edited").GetAttributeAsync("src")));
        Assert.Equal("1", await fresh.Locator("#gan-edited").GetAttributeAsync("data-strokes"));
        await page.Context.CloseAsync();
        await fresh.Context.CloseAsync();
    }

    [Fact]
    public async Task The_keyboard_paints_a_stroke_that_its_permalink_reproduces_and_escape_drops_one()
    {
        var page = await app.NewPage();
        await app.Open(page, $"/gan/{DashboardFixture.GanModel}?seed=6&layer=layer4");
        await page.WaitForSelectorAsync("#gan-edited[data-strokes='0']");
        var original = Png(await page.Locator("#gan-original").GetAttributeAsync("src"));
        await DashboardFixture.PickUnitsByHand(page);
        for (var u = 0; u < 16; u++) await page.Locator($"#gan-unit-{u}").CheckAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('#gan-hand-count').textContent === '16'");

        // Focus shows the brush ring; Shift+arrows paint from the centre to the right; Enter applies the stroke.
        await page.Locator("#gan-canvas").FocusAsync();
        await page.Locator(".dd-gan-cursor").WaitForAsync();
        for (var i = 0; i < 4; i++) await page.Keyboard.PressAsync("Shift+ArrowRight");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("#gan-edited[data-strokes='1']");
        var edited = Png(await page.Locator("#gan-edited").GetAttributeAsync("src"));
        Assert.NotEqual(original, edited);

        // Escape drops a stroke in progress: nothing is sent, the picture stays.
        await page.Keyboard.PressAsync("Shift+ArrowDown");
        await page.Keyboard.PressAsync("Escape");
        await page.Keyboard.PressAsync("ArrowUp");
        await Task.Delay(500);
        Assert.Equal("1", await page.Locator("#gan-edited").GetAttributeAsync("data-strokes"));

        await page.WaitForFunctionAsync("() => location.search.includes('strokes=')");
        var fresh = await app.NewPage();
        await app.Open(fresh, new Uri(page.Url).PathAndQuery);
        await fresh.WaitForSelectorAsync("#gan-edited[data-strokes='1']");
        Assert.Equal(edited, Png(await fresh.Locator("#gan-edited").GetAttributeAsync("src")));
        await page.Context.CloseAsync();
        await fresh.Context.CloseAsync();
    }

    [Fact]
    public async Task Missing_model_and_bad_links_show_messages()
    {
        var page = await app.NewPage();
        await app.Open(page, "/gan/world-gan");
        Assert.Contains("No GAN model 'world-gan' yet", await page.Locator("#gan-no-model").InnerTextAsync());
        await app.Open(page, $"/gan/{DashboardFixture.GanModel}?seed=99999999999&layer=nope&strokes=%21%21");
        var text = await page.Locator("#gan-link-error").InnerTextAsync();
        Assert.Contains("not a whole number", text);
        Assert.Contains("'nope' is not a layer", text);
        await page.Context.CloseAsync();
    }
}
