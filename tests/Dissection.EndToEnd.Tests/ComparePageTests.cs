// The /compare page in a real browser: two layers of the demo run side by side, reached from the run overview's
// "compare this layer with…" link; both histograms, the delta chart and the category chart are drawn by Plotly.
using System.Text.RegularExpressions;

namespace Dissection.EndToEnd.Tests;

[Collection(DashboardCollection.Name)]
public class ComparePageTests(DashboardFixture app)
{
    [Fact]
    public async Task Two_layers_of_the_demo_run_draw_both_histograms_and_the_delta_chart()
    {
        var page = await app.NewPage();
        await app.Open(page, $"/runs/{app.RunId}");
        // The run overview links each layer to a comparison with another layer of the run.
        await page.Locator(".compare-layer-link").First.ClickAsync();
        await page.WaitForURLAsync(new Regex($@"/compare\?a={app.RunId}:conv3&b={app.RunId}:conv5"));
        await page.WaitForSelectorAsync("#compare-hist-a .main-svg");
        await page.WaitForSelectorAsync("#compare-hist-b .main-svg");
        await page.WaitForSelectorAsync("#compare-delta .main-svg");
        await page.WaitForSelectorAsync("#compare-categories .main-svg");
        Assert.True(await page.Locator("#compare-delta .trace.bars .point").CountAsync() > 0);
        Assert.Contains("conv3", await page.Locator("#compare-side-a").InnerTextAsync());
        Assert.Contains("conv5", await page.Locator("#compare-side-b").InnerTextAsync());
        Assert.Equal(0, await page.Locator(".compare-problem").CountAsync());
        await app.Screenshot(page, "compare");

        // A pasted link with an unknown layer explains itself instead of failing.
        await app.Open(page, $"/compare?a={app.RunId}:conv3&b={app.RunId}:nope");
        Assert.Contains("no results for a layer named 'nope'", await page.Locator(".compare-problem").InnerTextAsync());
        Assert.Equal(0, await page.Locator("#page-error").CountAsync());
        await page.Context.CloseAsync();
    }
}
