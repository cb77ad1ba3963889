// Every route of the dashboard, checked by axe-core (vendored in Axe/axe.min.js, MPL-2.0, so the check runs offline):
// no serious or critical violation. And every route at a phone's width (390 px): nothing wider than the screen, and
// the navigation reachable through the drawer.
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Dissection.EndToEnd.Tests;

[Collection(DashboardCollection.Name)]
public class AccessibilityTests(DashboardFixture app, ITestOutputHelper output)
{
    private static readonly string Axe = Path.Combine(AppContext.BaseDirectory, "Axe", "axe.min.js");

    /// <summary>Every page route, with the data its page needs; {run} is the fixture's demo run.</summary>
    public static TheoryData<string> Routes() => new()
    {
        "/", "/runs/{run}", "/runs/{run}/layers/conv5", "/runs/{run}/layers/conv5/units/3", "/runs/{run}/concepts/tree",
        "/runs/{run}/classes/forest", "/runs/{run}/layers/conv5/ablate", "/compare?a={run}:conv3&b={run}:conv5",
        "/attack", "/try", "/learn", $"/gan/{DashboardFixture.GanModel}?seed=5&layer=layer4", "/runs/99", "/uploads",
    };

    private async Task<IPage> OpenRoute(string route, int width, int height)
    {
        using (var store = Dissection.Core.Storage.ResultsStore.Open(app.Database))
            if (store.Ablations.GetAblation(app.RunId, "conv5") is null) store.Ablations.SaveAblation(app.RunId, AblationPagesTests.Ablation("conv5", 512));
        var context = await app.Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        await app.Open(page, route.Replace("{run}", app.RunId.ToString()));
        // Charts and images settle after the circuit starts.
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.WaitForTimeoutAsync(300);
        return page;
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Route_has_no_serious_or_critical_axe_violations(string route)
    {
        var page = await OpenRoute(route, 1400, 900);
        // Evaluated through the DevTools protocol, not as a <script> tag: the app's CSP allows no inline script.
        await page.EvaluateAsync(File.ReadAllText(Axe));
        var json = await page.EvaluateAsync<string>("""
            async () => {
              const r = await axe.run(document, { resultTypes: ['violations'] });
              return JSON.stringify(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\n').slice(1, 2).join('')) })));
            }
            """);
        var violations = JsonDocument.Parse(json).RootElement.EnumerateArray().Select(v => v.ToString()).ToList();
        foreach (var v in violations) output.WriteLine(v);
        Assert.True(violations.Count == 0, $"{route}: {violations.Count} serious/critical axe violations:\n" + string.Join("\n", violations));
        // Every page names itself with a level-one heading.
        Assert.True(await page.Locator("h1").CountAsync() >= 1, $"{route} has no h1");
        await page.Context.CloseAsync();
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Route_fits_a_phone_and_its_navigation_opens_from_the_drawer(string route)
    {
        var page = await OpenRoute(route, 390, 844);
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"{route} is {overflow} px wider than a 390 px screen");
        // The inline links are hidden; the menu button opens a drawer with every destination.
        Assert.False(await page.Locator("#nav-inline").IsVisibleAsync());
        await page.Locator("#nav-menu").ClickAsync();
        var drawer = page.Locator("#nav-drawer");
        await drawer.Locator("a[href='/learn']").WaitForAsync();
        foreach (var href in new[] { "/", "/learn", "/attack", "/compare", "/try", "/gan/world-gan" })
            Assert.True(await drawer.Locator($"a[href='{href}']").IsVisibleAsync(), $"{href} not in the drawer");
        await drawer.Locator("a[href='/learn']").ClickAsync();
        await page.WaitForURLAsync(app.BaseUrl + "/learn");
        await page.Context.CloseAsync();
    }
}
