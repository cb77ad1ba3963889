// Label trust in a real browser: the gallery's trust filter and lift sort (chosen in the page) list the units the
// JSON export calls so, in its order; every unit page's badge equals the export's verdict, after → as on a fresh load;
// /try warns on a photo that is nothing like the run's dataset and not on one of the dataset's own images.
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dissection.Core.Dissection;
using Dissection.Core.Storage;
using Microsoft.Playwright;

namespace Dissection.EndToEnd.Tests;

[Collection(DashboardCollection.Name)]
public class LabelTrustTests(DashboardFixture app)
{
    private const string Layer = "conv5";
    private const int Units = 20;
    private static readonly object Gate = new();
    private static readonly Dictionary<string, long> Written = [];

    /// <summary>A run of 20 units: by u % 5, strong, weak (low lift), unstable, not measured, and strong again with
    /// other lifts; unit 19 has no label. Lifts differ per unit, so the lift order is unambiguous.</summary>
    private long Run()
    {
        lock (Gate)
        {
            if (Written.TryGetValue(app.Database, out var id)) return id;
            using var store = ResultsStore.Open(app.Database);
            id = store.Runs.CreateRun("trust run", "world-vgg", Path.Combine(app.DataFolder, "world"), [Layer], new DissectionSettings { TopK = 4 });
            store.Runs.SetStatus(id, RunStatus.Running);
            var units = Enumerable.Range(0, Units).Select(u =>
            {
                var (name, category) = DemoResults.Concepts[u % 4];
                var iou = 0.05 + 0.01 * u;
                var label = u == Units - 1 ? null : new ConceptScore(u % 4 + 1, name, category, iou);
                var lift = 2.0 + u * 1.5;
                var q = (u % 5) switch
                {
                    1 => new LabelReliability(iou, iou, name, name, true, iou / 1.5, 1.5 + u * 0.01),
                    2 => new LabelReliability(iou, iou / 2, name, DemoResults.Concepts[(u + 1) % 4].Name, false, iou / lift, lift),
                    3 => null,
                    _ => new LabelReliability(iou * 1.1, iou * 0.9, name, name, true, iou / (5 + lift), 5 + lift),
                };
                var images = Enumerable.Range(0, 4).Select(r => new TopImage((u + r) % DemoResults.Images, $"img{(u + r) % DemoResults.Images:D3}.png",
                    2f - r * 0.1f, DemoResults.MapSize, DemoResults.MapSize, new float[DemoResults.MapSize * DemoResults.MapSize])).ToList();
                return new UnitResult(u, 1f, label, label is null ? [] : [label], label is null ? [] : [label], images,
                    new ActivationHistogram(0f, 1f, [1, 2, 3])) { Reliability = label is null ? null : q };
            }).ToList();
            store.Layers.SaveLayer(id, new LayerResult(Layer, [Units, DemoResults.MapSize, DemoResults.MapSize], units, DemoResults.Images, TimeSpan.FromSeconds(1)));
            store.Runs.SetStatus(id, RunStatus.Done, null, DemoResults.Images);
            Written[app.Database] = id;
            return id;
        }
    }

    /// <summary>The export's units: number, trust ("unmeasured" where reliability is null; null without a label), lift.</summary>
    private async Task<List<(int Unit, string? Trust, double? Lift)>> Exported(long run)
    {
        using var http = new HttpClient();
        var doc = await http.GetFromJsonAsync<JsonElement>($"{app.BaseUrl}/api/runs/{run}/layers/{Layer}/export.json");
        return doc.GetProperty("layers")[0].GetProperty("units").EnumerateArray().Select(u =>
        {
            var r = u.GetProperty("reliability");
            var labelled = u.GetProperty("label").ValueKind == JsonValueKind.String;
            return (u.GetProperty("unit").GetInt32(),
                r.ValueKind == JsonValueKind.Object ? r.GetProperty("trust").GetString() : labelled ? "unmeasured" : null,
                r.ValueKind == JsonValueKind.Object ? r.GetProperty("lift").GetDouble() : (double?)null);
        }).ToList();
    }

    /// <summary>The gallery's unit numbers once they are <paramref name="expected"/> (a re-sort keeps the row count, so
    /// waiting for the count alone would read the old order), or as they are after 20 s for the assertion to show.</summary>
    private static async Task<int[]> GalleryUnits(IPage page, int[] expected)
    {
        const string read = "rows => rows.map(r => +r.dataset.unit)";
        try
        {
            await page.WaitForFunctionAsync("e => [...document.querySelectorAll('#gallery .dd-unit-row')].map(r => r.dataset.unit).join() === e",
                string.Join(",", expected));
        }
        catch (TimeoutException) { }
        return await page.Locator("#gallery .dd-unit-row").EvaluateAllAsync<int[]>(read);
    }

    [Fact]
    public async Task Gallery_trust_filter_and_lift_sort_list_what_the_export_says()
    {
        var run = Run();
        var exported = await Exported(run);
        Assert.Equal(4, exported.Count(u => u.Trust == "unstable"));
        var page = await app.NewPage();
        await app.Open(page, $"/runs/{run}/layers/{Layer}");
        await page.WaitForSelectorAsync("#gallery .dd-unit-row");

        foreach (var (choice, trust) in new[] { ("unstable", "unstable"), ("weak", "weak"), ("not measured", "unmeasured"), ("strong", "strong") })
        {
            await page.Locator("#gallery-filters .mud-input-control", new() { HasText = "Label trust" }).First.ClickAsync();
            await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = choice }).First.ClickAsync();
            await page.WaitForFunctionAsync($"() => location.search.includes('trust={trust}')");
            var expected = exported.Where(u => u.Trust == trust).Select(u => u.Unit).ToArray();
            Assert.Equal(expected, await GalleryUnits(page, expected));
            var badges = await page.Locator("#gallery .dd-trust").EvaluateAllAsync<string[]>("b => b.map(x => x.dataset.trust)");
            Assert.All(badges, b => Assert.Equal(trust, b));
        }

        // Strong, most lift first: the same order as sorting the export.
        await page.Locator("#gallery-filters .mud-input-control", new() { HasText = "Sort by" }).First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Lift over chance" }).ClickAsync();
        await page.WaitForFunctionAsync("() => location.search.includes('sort=lift')");
        var byLift = exported.Where(u => u.Trust == "strong").OrderByDescending(u => u.Lift).ThenBy(u => u.Unit).Select(u => u.Unit).ToArray();
        Assert.Equal(byLift, await GalleryUnits(page, byLift));

        // The permalink reproduces the view in a fresh browser.
        var fresh = await app.NewPage();
        await app.Open(fresh, new Uri(page.Url).PathAndQuery);
        Assert.Equal(byLift, await GalleryUnits(fresh, byLift));
        await fresh.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    private static async Task<(string? Trust, string? Title)> Badge(IPage page)
    {
        var badge = page.Locator("#unit-trust .dd-trust");
        if (await badge.CountAsync() == 0) return (null, null);
        return (await badge.GetAttributeAsync("data-trust"), await badge.GetAttributeAsync("title"));
    }

    [Fact]
    public async Task Unit_page_badge_equals_the_export_after_arrow_keys_and_on_a_fresh_load()
    {
        var run = Run();
        var exported = (await Exported(run)).ToDictionary(u => u.Unit);
        var page = await app.NewPage();
        await app.Open(page, $"/runs/{run}/layers/{Layer}/units/0");
        await page.WaitForFunctionAsync("() => !!(window.dissection && window.dissection._arrows)");
        for (var u = 0; u < Units; u++)
        {
            if (u > 0)
            {
                await page.Keyboard.PressAsync("ArrowRight");
                // An in-page navigation (history.pushState): wait on the location, not on a load event.
                await page.WaitForFunctionAsync($"() => location.pathname.endsWith('/units/{u}')");
                await page.WaitForFunctionAsync($"() => document.querySelector('#unit-number')?.textContent.trim() === '{u}'");
            }
            var shown = await Badge(page);
            Assert.Equal(exported[u].Trust, shown.Trust);
            if (u % 3 != 0) continue;
            var fresh = await app.NewPage();
            await app.Open(fresh, new Uri(page.Url).PathAndQuery);
            await fresh.WaitForFunctionAsync($"() => document.querySelector('#unit-number')?.textContent.trim() === '{u}'");
            Assert.Equal(shown, await Badge(fresh));
            await fresh.Context.CloseAsync();
        }
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Try_warns_on_a_photo_unlike_the_dataset_and_not_on_a_dataset_image()
    {
        // The fixture's dataset is light squares on flat backgrounds; the run uses the shipped world-vgg.
        using var store = ResultsStore.Open(app.Database);
        var spec = "world-vgg:" + Path.Combine(DashboardFixture.FindRepoRoot(), "data", "models", "world-vgg.pt");
        var run = store.Runs.CreateRun("trust try run", spec, Path.Combine(app.DataFolder, "world"), ["features.conv5_2"], new DissectionSettings());
        store.Runs.SetStatus(run, RunStatus.Running);
        var units = Enumerable.Range(0, 256).Select(u =>
        {
            var label = new ConceptScore(1, "tree", "object", 0.1);
            return new UnitResult(u, 0.05f, label, [label], [label], [], new ActivationHistogram(0f, 1f, new long[4]));
        }).ToList();
        store.Layers.SaveLayer(run, new LayerResult("features.conv5_2", [256, 16, 16], units, DemoResults.Images, TimeSpan.FromSeconds(1)));
        store.Runs.SetStatus(run, RunStatus.Done, null, DemoResults.Images);

        var page = await app.NewPage();
        await app.Open(page, $"/try?run={run}&layer=features.conv5_2&image=3");
        await page.WaitForSelectorAsync("#try-map", new() { Timeout = 120_000 });
        // The domain is measured after the first view shows: wait until the comparison is done.
        await page.WaitForSelectorAsync("#try-domain-pending", new() { State = WaitForSelectorState.Detached, Timeout = 120_000 });
        Assert.Equal(0, await page.Locator("#try-domain-warning").CountAsync());

        await app.Open(page, $"/try?run={run}&layer=features.conv5_2&sample=chelsea.jpg");
        var warning = page.Locator("#try-domain-warning");
        await warning.WaitForAsync(new() { Timeout = 120_000 });
        var text = await warning.InnerTextAsync();
        Assert.Contains("looks unlike the images this run was dissected on", text);
        Assert.DoesNotContain(app.DataFolder, text);   // no server path
        await page.Context.CloseAsync();
    }
}
