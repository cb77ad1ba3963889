// After every in-page navigation (→, Next, Back, a chip, or any route/query change inside the circuit) every chart
// shows the data of the new URL: the same as a fresh load of that URL and as the API. Also the clickable concept bars
// and the unit page's texts.
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Dissection.EndToEnd.Tests;

[Collection(DashboardCollection.Name)]
public class InPageNavigationTests(DashboardFixture app)
{
    /// <summary>Opens the page's URL in a fresh browser context and checks that the page shows the same charts.</summary>
    private async Task AssertChartsMatchFreshLoad(IPage page, string step)
    {
        var fresh = await app.NewPage();
        try
        {
            await app.Open(fresh, new Uri(page.Url).PathAndQuery);
            var expected = await ChartSnapshot.Settled(fresh);
            Assert.False(string.IsNullOrEmpty(expected), $"{step}: a fresh load of {page.Url} drew no chart");
            await ChartSnapshot.WaitForEqual(page, expected, step);
        }
        finally { await fresh.Context.CloseAsync(); }
    }

    /// <summary>The unit page's charts against the API's JSON for the unit in the URL.</summary>
    private async Task AssertUnitChartsMatchApi(IPage page, string step)
    {
        var m = Regex.Match(new Uri(page.Url).AbsolutePath, @"/runs/(\d+)/layers/([^/]+)/units/(\d+)$");
        Assert.True(m.Success, page.Url);
        using var http = new HttpClient();
        var unit = await http.GetFromJsonAsync<JsonElement>($"{app.BaseUrl}/api/runs/{m.Groups[1].Value}/layers/{m.Groups[2].Value}/units/{m.Groups[3].Value}");
        Assert.Equal(m.Groups[3].Value, (await page.Locator("#unit-number").InnerTextAsync()).Trim());
        var threshold = unit.GetProperty("threshold").GetDouble();
        Assert.Equal([threshold], await ChartSnapshot.ShapeX(page, "histogram-chart"));
        var counts = unit.GetProperty("histogram").GetProperty("counts").EnumerateArray().Select(c => c.GetInt64()).ToList();
        var bars = (await ChartSnapshot.Traces(page, "histogram-chart"))[0].GetProperty("y").EnumerateArray().Select(c => c.GetInt64()).ToList();
        Assert.Equal(counts, bars);
        var ious = unit.GetProperty("topConcepts").EnumerateArray().Select(c => c.GetProperty("iou").GetDouble()).Order().ToList();
        var shown = (await ChartSnapshot.Traces(page, "concepts-chart"))[0].GetProperty("x").EnumerateArray().Select(x => x.GetDouble()).ToList();
        Assert.True(ious.SequenceEqual(shown), $"{step}: concept IoUs {string.Join(",", shown)} on the page, {string.Join(",", ious)} in the API");
    }

    [Fact]
    public async Task Unit_page_charts_follow_arrow_next_back_and_chips()
    {
        var run = VariedRun.For(app);
        var page = await app.NewPage();
        await app.Open(page, $"/runs/{run}/layers/conv5/units/0");
        await ChartSnapshot.Settled(page);
        await AssertUnitChartsMatchApi(page, "first load");

        await page.WaitForFunctionAsync("() => !!(window.dissection && window.dissection._arrows)");
        await page.Keyboard.PressAsync("ArrowRight");
        await page.WaitForURLAsync(new Regex("/units/1$"));
        await AssertChartsMatchFreshLoad(page, "→");
        await AssertUnitChartsMatchApi(page, "→");

        await page.Locator("#unit-next").ClickAsync();
        await page.WaitForURLAsync(new Regex("/units/2$"));
        await AssertChartsMatchFreshLoad(page, "Next");
        await AssertUnitChartsMatchApi(page, "Next");

        await page.GoBackAsync();
        await page.WaitForURLAsync(new Regex("/units/1$"));
        await AssertChartsMatchFreshLoad(page, "Back");
        await AssertUnitChartsMatchApi(page, "Back");

        // A chip of a unit with the same label in the other layer: layer and unit change at once.
        var chip = page.Locator("#same-label a", new() { HasText = "conv4" }).First;
        await chip.ClickAsync();
        await page.WaitForURLAsync(new Regex("/layers/conv4/units/\\d+$"));
        await AssertChartsMatchFreshLoad(page, "chip");
        await AssertUnitChartsMatchApi(page, "chip");
        await page.Context.CloseAsync();
    }

    public static TheoryData<string, string> SamePagePairs => new()
    {
        { "/runs/{V}", "/runs/{R}" },
        { "/runs/{V}/layers/conv4", "/runs/{V}/layers/conv5" },
        { "/runs/{V}/layers/conv5/units/3", "/runs/{V}/layers/conv4/units/7" },
        { "/compare?a={V}:conv4&b={V}:conv5", "/compare?a={V}:conv5&b={R}:conv5" },
        { "/runs/{V}/classes/forest", "/runs/{V}/classes/kitchen?layer=conv5" },
    };

    /// <summary>Every page with charts, moved to another URL of the same page inside the circuit (the component
    /// instance is reused, as with any link or back button): its charts must be those of the new URL.</summary>
    [Theory]
    [MemberData(nameof(SamePagePairs))]
    public async Task Every_chart_follows_a_route_or_query_change(string from, string to)
    {
        var v = VariedRun.For(app).ToString();
        string Fill(string s) => s.Replace("{V}", v).Replace("{R}", app.RunId.ToString());
        var page = await app.NewPage();
        await app.Open(page, Fill(from));
        var before = await ChartSnapshot.Settled(page);
        await page.EvaluateAsync("url => Blazor.navigateTo(url)", Fill(to));
        await page.WaitForFunctionAsync("url => location.pathname + location.search === url", Fill(to));
        await AssertChartsMatchFreshLoad(page, $"{from} → {to}");
        Assert.NotEqual(before, await ChartSnapshot.Take(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Clicking_a_concept_bar_filters_the_gallery_and_a_second_click_clears_it()
    {
        var page = await app.NewPage();
        await app.Open(page, $"/runs/{app.RunId}/layers/conv5");
        await ChartSnapshot.Settled(page);
        var concept = (await ChartSnapshot.Traces(page, "concept-chart"))[0].GetProperty("x")[0].GetString()!;
        async Task ClickFirstBar()
        {
            var bar = await page.Locator("#concept-chart .trace.bars .point").First.BoundingBoxAsync();
            Assert.NotNull(bar);
            await page.Mouse.MoveAsync(bar.X + bar.Width / 2, bar.Y + bar.Height - 3);
            await page.Mouse.ClickAsync(bar.X + bar.Width / 2, bar.Y + bar.Height - 3);
        }
        await ClickFirstBar();
        await page.WaitForURLAsync(new Regex("concept=" + Regex.Escape(concept)));
        await page.WaitForFunctionAsync("c => { const l = [...document.querySelectorAll('#gallery .dd-unit-label')]; return l.length > 0 && l.every(e => e.textContent.trim() === c); }", concept);
        var count = await page.Locator("#gallery-count").InnerTextAsync();
        Assert.Matches(@"^\d+ of 512 units$", count.Trim());
        Assert.DoesNotContain("512 of 512", count);

        await ClickFirstBar();
        await page.WaitForFunctionAsync("() => !location.search.includes('concept=')");
        await page.WaitForFunctionAsync("() => document.querySelector('#gallery-count')?.textContent.trim() === '512 of 512 units'");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Unit_page_names_its_position_and_other_layers_chips_plainly()
    {
        var run = VariedRun.For(app);
        var page = await app.NewPage();
        await app.Open(page, $"/runs/{run}/layers/conv5/units/5");
        Assert.Equal("6th of 12 units", (await page.Locator("#unit-position").InnerTextAsync()).Trim());
        await app.Open(page, $"/runs/{run}/layers/conv5/units/0");
        Assert.Equal("1st of 12 units", (await page.Locator("#unit-position").InnerTextAsync()).Trim());
        await app.Open(page, $"/runs/{app.RunId}/layers/conv5/units/151");
        Assert.Equal("152nd of 512 units", (await page.Locator("#unit-position").InnerTextAsync()).Trim());
        // In a filtered list the position counts matching units.
        await app.Open(page, $"/runs/{run}/layers/conv5/units/4?concept=tree");
        Assert.Equal("2nd of 3 matching units", (await page.Locator("#unit-position").InnerTextAsync()).Trim());

        await app.Open(page, $"/runs/{run}/layers/conv5/units/0");
        var chips = (await page.Locator("#same-label .mud-chip").AllInnerTextsAsync()).Select(t => t.Trim()).ToList();
        Assert.NotEmpty(chips);
        Assert.All(chips, t => Assert.Matches(@"^(conv4 · )?unit \d+ · IoU \d\.\d\d$", t));
        Assert.Contains(chips, t => t.StartsWith("conv4 · unit "));
        Assert.Contains(chips, t => t.StartsWith("unit "));
        await page.Context.CloseAsync();
    }
}
