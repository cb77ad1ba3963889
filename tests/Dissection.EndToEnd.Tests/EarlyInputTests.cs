// Input given before the interactive circuit runs is not lost: the prerendered page is inert until then, so a click
// and the typing after it land in the live page. Checked by typing and ticking right after navigation starts.
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Dissection.EndToEnd.Tests;

[Collection(DashboardCollection.Name)]
public class EarlyInputTests(DashboardFixture app)
{
    private const string InertUntilReady = "() => document.getElementById('circuit-ready') ? 'ready' : String(document.querySelector('.dd-page')?.inert)";

    [Fact]
    public async Task A_search_typed_immediately_after_navigation_is_kept_and_applied()
    {
        var page = await app.NewPage();
        await page.GotoAsync($"{app.BaseUrl}/runs/{app.RunId}/layers/conv5", new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForSelectorAsync(".dd-page", new() { State = WaitForSelectorState.Attached });
        Assert.Contains(await page.EvaluateAsync<string>(InertUntilReady), new[] { "true", "ready" });
        await page.Locator("input#filter-search, #filter-search input").First.ClickAsync();
        await page.Keyboard.TypeAsync("tre");
        await page.WaitForSelectorAsync("#circuit-ready", new() { State = WaitForSelectorState.Attached });
        await page.WaitForURLAsync(new Regex("q=tre"));
        Assert.Equal("tre", await page.Locator("input#filter-search, #filter-search input").First.InputValueAsync());
        await page.WaitForFunctionAsync("() => { const l = [...document.querySelectorAll('#gallery .dd-unit-label')]; return l.length > 0 && l.every(e => e.textContent.includes('tre')); }");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_unit_ticked_immediately_after_navigation_stays_ticked()
    {
        var page = await app.NewPage();
        // The unit checkboxes show at once only where the page picks units by hand, i.e. on a layer with no stored
        // dissection: layer9 of the test generator, which no test dissects.
        await page.GotoAsync($"{app.BaseUrl}/gan/{DashboardFixture.GanModel}?seed=3&layer=layer9", new() { WaitUntil = WaitUntilState.Commit });
        await page.Locator("#gan-unit-3").CheckAsync();
        await page.WaitForSelectorAsync("#circuit-ready", new() { State = WaitForSelectorState.Attached });
        await page.WaitForFunctionAsync("() => document.querySelector('#gan-hand-count')?.textContent === '1'");
        await Task.Delay(500);   // a late re-render would have unticked it by now
        Assert.True(await page.Locator("#gan-unit-3").IsCheckedAsync());
        Assert.Equal("1", await page.Locator("#gan-hand-count").InnerTextAsync());
        await page.Context.CloseAsync();
    }
}
