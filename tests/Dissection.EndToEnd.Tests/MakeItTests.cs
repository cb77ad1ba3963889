// "Make it" buttons and the start-a-job dialog in a real browser: a class page of a run that was never ablated answers
// 200 with the button that ablates it (not "Not found"); the ablation runs as a job of the real executor on the real
// world-vgg, and the page then shows exactly what a fresh load of its URL shows. The home page's "Other job" menu
// labels an image folder with the real world segmenter, and a bad field is named in the dialog.
using Dissection.Core.Datasets;
using Dissection.Core.Storage;
using Dissection.Core.World;
using Microsoft.Playwright;

namespace Dissection.EndToEnd.Tests;

[Collection(DashboardCollection.Name)]
public class MakeItTests(DashboardFixture app)
{
    private const string Layer = "features.conv5_2";

    [Fact]
    public async Task Class_page_of_an_unablated_run_offers_ablation_and_shows_the_fresh_result_after_the_job()
    {
        var folder = Path.Combine(app.DataFolder, "make-it-world");
        await Task.Run(() => WorldGenerator.Generate(new WorldOptions(folder, Count: 12, Size: 128, Seed: 7, Threads: 1)));
        // The class with the most images, so the ablation ranks units for it (a class without images has none).
        var world = ConceptDataset.Open(folder);
        var scene = world.Images.Where(i => i.SceneLabel is not null).GroupBy(i => i.SceneLabel).OrderByDescending(g => g.Count()).First().Key;
        var className = world.Concepts.First(c => c.Number == scene).Name;
        var spec = "world-vgg:" + Path.Combine(DashboardFixture.FindRepoRoot(), "data", "models", "world-vgg.pt");
        long run;
        using (var store = ResultsStore.Open(app.Database))
        {
            run = store.Runs.CreateRun("make-it run", spec, folder, [Layer], new());
            store.Runs.SetStatus(run, RunStatus.Done, null, 12);
        }

        var page = await app.NewPage();
        page.SetDefaultTimeout(60_000);
        var response = await page.GotoAsync($"{app.BaseUrl}/runs/{run}/classes/{Uri.EscapeDataString(className)}");
        Assert.Equal(200, response!.Status);   // a valid class of an unablated run is never "Not found"
        await page.WaitForSelectorAsync("#circuit-ready", new() { State = WaitForSelectorState.Attached });
        var missing = page.Locator("#class-missing");
        await missing.WaitForAsync();
        Assert.Contains("no ablation results yet", await missing.InnerTextAsync());
        Assert.Equal(0, await page.Locator("#not-found").CountAsync());

        await missing.Locator(".dd-make-it-button").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await dialog.Locator("#job-form[data-kind='Ablate']").WaitForAsync();
        // Pre-filled for this run and layer: the form only needs its image count.
        await page.WaitForFunctionAsync("([run, layer]) => { const f = document.querySelector('#job-form'); return f?.dataset.run === run && f?.dataset.layer === layer; }",
            new[] { run.ToString(System.Globalization.CultureInfo.InvariantCulture), Layer });
        await dialog.Locator("#job-limit").FillAsync("0");
        await dialog.Locator("#job-start").ClickAsync();
        await dialog.Locator("#job-error").WaitForAsync();
        Assert.StartsWith("limit:", (await dialog.Locator("#job-error").InnerTextAsync()).Trim());   // names the field
        await dialog.Locator("#job-limit").FillAsync("");                                            // all 12 images
        await dialog.Locator("#job-split").FillAsync("");                                            // of every split
        await dialog.Locator("#job-start").ClickAsync();
        await page.WaitForSelectorAsync(".mud-dialog", new() { State = WaitForSelectorState.Detached });

        // The button turns into the job's progress, and the page fills itself when the job is done.
        var title = page.Locator("#class-title");
        await page.Locator("[id^='important-unit-']").First.WaitForAsync(new() { Timeout = 300_000 });
        var shown = await Snapshot(page);

        var fresh = await app.NewPage();
        await app.Open(fresh, $"/runs/{run}/classes/{Uri.EscapeDataString(className)}?layer={Uri.EscapeDataString(Layer)}");
        await fresh.Locator("[id^='important-unit-']").First.WaitForAsync();
        Assert.Equal(await Snapshot(fresh), shown);
        Assert.Equal(className, (await title.InnerTextAsync()).Trim());
        using (var store = ResultsStore.Open(app.Database))
        {
            Assert.Contains(store.Ablations.ListAblations(run), a => a.Layer == Layer && a.Images == 12);
            // The run was never dissected (only its ablation is real): remove it, so the crawl of the shared store
            // does not follow its layer chips to layers without results.
            store.Runs.DeleteRun(run);
        }
        await fresh.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    /// <summary>What the class page shows as data: title, baseline, every important unit card's text, the charts.</summary>
    private static async Task<string> Snapshot(IPage page)
    {
        var cards = await page.Locator("[id^='important-unit-']").AllInnerTextsAsync();
        var baseline = await page.Locator("#class-baseline").InnerTextAsync();
        return string.Join("\n", [(await page.Locator("#class-title").InnerTextAsync()).Trim(), baseline, .. cards, await ChartSnapshot.Settled(page)]);
    }

    [Fact]
    public async Task Label_job_from_the_home_menu_writes_a_concept_dataset_and_names_a_bad_field()
    {
        var images = Path.Combine(app.DataFolder, "my-photos");
        Directory.CreateDirectory(images);
        foreach (var file in Directory.GetFiles(Path.Combine(app.DataFolder, "world", "images"), "img00?.png").Where(f => !Path.GetFileName(f).Contains('_')))
            File.Copy(file, Path.Combine(images, Path.GetFileName(file)), overwrite: true);
        var segmenter = Path.Combine(app.DataFolder, "models", "world-seg.pt");
        File.Copy(Path.Combine(DashboardFixture.FindRepoRoot(), "data", "models", "world-seg.pt"), segmenter, overwrite: true);
        var output = Path.Combine(app.DataFolder, "my-photos-labelled");

        var page = await app.NewPage();
        page.SetDefaultTimeout(60_000);
        await app.Open(page, "/");
        await page.Locator("#new-job").ClickAsync();
        await page.Locator(".mud-popover-open .mud-menu-item[data-kind='Label'], .mud-popover-open [data-kind='Label']").First.ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await dialog.Locator("#job-form[data-kind='Label']").WaitForAsync();
        await dialog.Locator("#job-output").FillAsync(output);
        await dialog.Locator("#job-segmenter").FillAsync(segmenter);
        await dialog.Locator("#job-start").ClickAsync();
        await dialog.Locator("#job-error").WaitForAsync();
        var error = (await dialog.Locator("#job-error").InnerTextAsync()).Trim();
        Assert.True(error.Contains("dataset path", StringComparison.OrdinalIgnoreCase) || error.StartsWith("images:"), error);

        await dialog.Locator("#job-images").FillAsync(images);
        await dialog.Locator("#job-start").ClickAsync();
        await page.WaitForSelectorAsync(".mud-dialog", new() { State = WaitForSelectorState.Detached });
        var row = page.Locator("#jobs .job-row", new() { HasText = "Label my-photos" });
        await row.Locator(".job-state[data-state='done']").WaitForAsync(new() { Timeout = 180_000 });
        Assert.Contains("Labelled 10 images", await row.InnerTextAsync());
        var dataset = ConceptDataset.Open(output);
        Assert.Equal(10, dataset.Images.Count);
        await page.Context.CloseAsync();
    }
}
