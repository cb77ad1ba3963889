// The ablation pages in a real browser: the class page with its important-unit cards and group curves, the unit
// page's dependence chart, the run page's importance-vs-IoU chart, and the playground measuring a real model
// (resnet18, label-free on the fixture images) from a permalink, with progress and a result table.
using Dissection.Core.Ablation;
using Dissection.Core.Storage;
using Microsoft.Playwright;

namespace Dissection.EndToEnd.Tests;

[Collection(DashboardCollection.Name)]
public class AblationPagesTests(DashboardFixture app)
{
    private string Url(string path) => app.BaseUrl + path;
    private static readonly string[] Classes = ["beach", "forest", "kitchen"];

    /// <summary>A synthetic but consistent ablation of a layer with <paramref name="units"/> units: class c's units
    /// 3c..3c+3 matter most; curves for every class.</summary>
    internal static AblationResult Ablation(string layer, int units)
    {
        double[] Ba(int removedUnit) => Classes.Select((_, c) => removedUnit / 4 == c ? 0.9 - 0.1 * (removedUnit % 4 + 1) : 0.9).ToArray();
        var baseline = new ClassMetrics([0.8, 0.8, 0.8], [0.9, 0.9, 0.9], 0.8, 0.7);
        var list = Enumerable.Range(0, units).Select(u => new UnitAblation(u, new ClassMetrics([0.8, 0.8, 0.8], Ba(u), 0.8, 0.7))).ToList();
        var importance = Classes.Select((name, c) => new ClassImportance(c, name, 0.9,
            Enumerable.Range(0, 4).Select(k => new UnitDrop(4 * c + 3 - k, 0.1 * (4 - k))).ToList())).ToList();
        var sizes = ClassImportanceRanking.GroupSizes(units);
        var curves = Classes.Select((_, c) => new GroupCurve(c, sizes.Select(n => new GroupPoint(n, Math.Max(0.5, 0.9 - 0.05 * n), 0.6 + 0.3 * n / units)).ToList())).ToList();
        return new AblationResult(layer, true, "val", 24, "split", "", Classes, baseline, list, importance, curves);
    }

    private long SaveAblationOfDemoRun()
    {
        using var store = ResultsStore.Open(app.Database);
        store.Ablations.SaveAblation(app.RunId, Ablation("conv5", 512));
        return app.RunId;
    }

    [Fact]
    public async Task Class_page_shows_important_units_with_images_and_the_two_group_curves()
    {
        var run = SaveAblationOfDemoRun();
        var page = await app.NewPage();
        await page.GotoAsync(Url($"/runs/{run}/classes/forest"));
        await page.WaitForSelectorAsync("#group-curves .main-svg");
        Assert.Equal("forest", await page.Locator("#class-title").InnerTextAsync());
        Assert.Equal("0.900", await page.Locator("#class-baseline").InnerTextAsync());
        Assert.Equal(4, await page.Locator("#important-units > *").CountAsync());
        Assert.Contains("unit 7", await page.Locator("#important-unit-7").InnerTextAsync());   // forest's most damaging
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#important-units img')].every(i => i.complete && i.naturalWidth > 0)");
        Assert.Equal(2, await page.Locator("#group-curves .scatterlayer .trace").CountAsync());
        await app.Screenshot(page, "class-page");

        // The playground button carries the class's important units in its link.
        var href = await page.Locator("#open-playground").GetAttributeAsync("href");
        Assert.EndsWith("/layers/conv5/ablate?units=4,5,6,7", href);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Unit_and_run_pages_show_the_ablation_charts()
    {
        var run = SaveAblationOfDemoRun();
        var page = await app.NewPage();
        await page.GotoAsync(Url($"/runs/{run}/layers/conv5/units/7"));
        await page.WaitForSelectorAsync("#unit-dependence .main-svg");
        Assert.Equal(3, await page.Locator("#unit-dependence .trace.bars .point").CountAsync());
        await page.GotoAsync(Url($"/runs/{run}"));
        await page.WaitForSelectorAsync("#importance-vs-iou .main-svg");
        Assert.Equal(3, await page.Locator("#class-links .mud-chip").CountAsync());
        await app.Screenshot(page, "run-class-importance");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Unknown_class_is_explained()
    {
        var run = SaveAblationOfDemoRun();
        var page = await app.NewPage();
        await page.GotoAsync(Url($"/runs/{run}/classes/volcano"));
        var text = await page.Locator("body").InnerTextAsync();
        Assert.Contains("has no class 'volcano'", text);
        Assert.Contains("beach, forest, kitchen", text);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Playground_permalink_measures_a_real_model_and_lists_classes_most_hurt_first()
    {
        // A plain image folder (no index.csv, no class subfolders): no labels at all.
        var plain = Path.Combine(app.DataFolder, "plain");
        Directory.CreateDirectory(plain);
        foreach (var f in Directory.GetFiles(Path.Combine(app.DataFolder, "world", "images"), "*.png").Take(12))
            File.Copy(f, Path.Combine(plain, Path.GetFileName(f)), overwrite: true);
        long run;
        using (var store = ResultsStore.Open(app.Database))
        {
            run = store.Runs.CreateRun("resnet playground", "resnet18", plain, ["layer4"], new());
            store.Runs.SetStatus(run, RunStatus.Done, null, 24);
            store.Ablations.SaveAblation(run, Ablation("layer4", 512) with { Split = "" });
        }
        var page = await app.NewPage();
        page.SetDefaultTimeout(120_000);   // first measurement loads resnet18 on a busy 2-core machine
        await page.GotoAsync(Url($"/runs/{run}/layers/layer4/ablate?units=0,1,2,3,5000,x"));
        await page.WaitForSelectorAsync("#playground-result, #playground-error");
        if (await page.Locator("#playground-error").CountAsync() > 0)
            Assert.Fail("the playground failed: " + await page.Locator("#playground-error").InnerTextAsync());
        Assert.Equal("4", await page.Locator("#selected-count").InnerTextAsync());   // junk dropped from the link
        Assert.True(await page.Locator("#unit-3").IsCheckedAsync());
        var text = await page.Locator("#playground-result").InnerTextAsync();
        Assert.Contains("Removing 4 units", text);
        Assert.Contains("Label-free", text);       // the fixture images have no scene labels
        Assert.True(await page.Locator("#class-changes tbody tr").CountAsync() is > 0 and <= 100);

        // Changing the selection updates the permalink without a reload.
        await page.Locator("#unit-9").CheckAsync();
        await page.WaitForFunctionAsync("() => location.search === '?units=0,1,2,3,9'");
        await page.Locator("#measure").ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('#playground-result')?.innerText.includes('Removing 5 units')");
        await app.Screenshot(page, "ablation-playground");
        await page.Context.CloseAsync();
    }
}
