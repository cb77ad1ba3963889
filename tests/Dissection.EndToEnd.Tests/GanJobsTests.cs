// The two generator job kinds started from the pages that lack their results, in a real browser on the shipped demo
// GAN and world segmenter: GAN paint's "Dissect this generator" fills the page's concept list, and the generator run's
// "Run the causal experiments" fills the run page's causal charts. After each job the page shows exactly what a fresh
// load of its URL shows (a stale list or chart is a wrong answer).
using Dissection.Core.Storage;
using Microsoft.Playwright;

namespace Dissection.EndToEnd.Tests;

[Collection(DashboardCollection.Name)]
public class GanJobsTests(DashboardFixture app)
{
    /// <summary>A copy of the demo GAN under another name: the fixture's `/gan/world-gan` must stay "no model yet".</summary>
    private const string Gan = "e2e-world-gan";

    [Fact]
    public async Task Dissect_this_generator_and_then_its_causal_experiments_from_the_pages_equal_a_fresh_load()
    {
        var models = Path.Combine(app.DataFolder, "models");
        var shipped = Path.Combine(DashboardFixture.FindRepoRoot(), "data", "models");
        File.Copy(Path.Combine(shipped, "world-gan.pt"), Path.Combine(models, Gan + ".pt"), overwrite: true);
        File.Copy(Path.Combine(shipped, "world-seg.pt"), Path.Combine(models, "world-seg.pt"), overwrite: true);

        // 1. GAN paint offers the generator dissection, pre-filled with the page's generator and layer.
        var page = await app.NewPage();
        page.SetDefaultTimeout(120_000);
        var paintUrl = $"/gan/{Gan}?seed=3&layer=layer4";
        await app.Open(page, paintUrl);
        await page.Locator("#gan-dissect-offer .dd-make-it-button").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await dialog.Locator("#job-form[data-kind='DissectGenerator']").WaitForAsync();
        Assert.Equal("layer4", await dialog.Locator("#job-layers").InputValueAsync());
        await dialog.Locator("#job-count").FillAsync("0");
        await dialog.Locator("#job-start").ClickAsync();
        await dialog.Locator("#job-error").WaitForAsync();   // a bad sample count is named, nothing is queued
        await dialog.Locator("#job-count").FillAsync("16");
        // The dialog's default segmenter is the repository's data/models; this dashboard allows only its own folder.
        await dialog.Locator("#job-segmenter").FillAsync(Path.Combine(models, "world-seg.pt"));
        await Start(page);

        // The page fills its concepts itself when the job is done.
        await page.Locator("#gan-stored-run a").WaitForAsync(new() { Timeout = 300_000 });
        var concepts = await Concepts(page);
        var fresh = await app.NewPage();
        fresh.SetDefaultTimeout(120_000);
        await app.Open(fresh, paintUrl);
        await fresh.Locator("#gan-stored-run a").WaitForAsync();
        Assert.Equal(await Concepts(fresh), concepts);
        var runHref = await page.Locator("#gan-stored-run a").GetAttributeAsync("href");
        var run = long.Parse(runHref!.Split('/')[2], System.Globalization.CultureInfo.InvariantCulture);
        string samples;
        using (var store = ResultsStore.Open(app.Database))
        {
            var stored = store.Runs.GetRun(run)!;
            Assert.Equal((RunStatus.Done, 16), (stored.Status, stored.Images));
            Assert.Equal(["layer4"], stored.Layers);
            samples = stored.Dataset;
        }

        // 2. The generator run's page offers the causal experiments; small sample counts keep the job short.
        await app.Open(page, $"/runs/{run}");
        await page.Locator("#gan-experiments-missing .dd-make-it-button").ClickAsync();
        await dialog.Locator("#job-form[data-kind='GanCausal']").WaitForAsync();
        await dialog.Locator("#job-removal").FillAsync("6");
        await dialog.Locator("#job-context").FillAsync("4");
        await Start(page);
        var ended = page.Locator(".gan-experiment-chart .main-svg, #gan-experiments-missing .dd-make-it-ended");
        await ended.First.WaitForAsync(new() { Timeout = 300_000 });
        if (await page.Locator("#gan-experiments-missing .dd-make-it-ended").CountAsync() > 0)
            Assert.Fail("the causal job ended without charts: " + await page.Locator("#gan-experiments-missing .dd-make-it-ended").InnerTextAsync());
        var charts = await ChartSnapshot.Settled(page);

        await app.Open(fresh, $"/runs/{run}");
        await fresh.Locator(".gan-experiment-chart .main-svg").First.WaitForAsync();
        Assert.Equal(await ChartSnapshot.Settled(fresh), charts);
        Assert.Equal(0, await fresh.Locator("#gan-experiments-missing").CountAsync());

        await fresh.Context.CloseAsync();
        await page.Context.CloseAsync();
        // Leave the shared store as the other tests expect it (the crawl walks every run's pages).
        using (var store = ResultsStore.Open(app.Database)) store.Runs.DeleteRun(run);
        File.Delete(Path.Combine(models, Gan + ".pt"));
        // The samples are cached in the app's first data folder (gan/...), not under the repository.
        var folder = Path.GetFullPath(samples, DashboardFixture.FindRepoRoot());
        Assert.Equal(Path.Combine(app.DataFolder, "gan"), Path.GetDirectoryName(folder));
        Assert.Contains($"{Gan}-seed", Path.GetFileName(folder));
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>Starts the dialog's job; fails with the dialog's own message when it refuses.</summary>
    private static async Task Start(IPage page)
    {
        await page.Locator(".mud-dialog #job-start").ClickAsync();
        try { await page.WaitForSelectorAsync(".mud-dialog", new() { State = WaitForSelectorState.Detached, Timeout = 30_000 }); }
        catch (TimeoutException)
        {
            Assert.Fail("the dialog refused the job: " + await page.Locator(".mud-dialog #job-error").InnerTextAsync());
        }
    }

    /// <summary>What GAN paint shows of a stored dissection: the run it names, the chosen concept and its units.</summary>
    private static async Task<string> Concepts(IPage page)
    {
        var units = await page.Locator("#gan-concept-units figure").EvaluateAllAsync<string[]>("fs => fs.map(f => f.title)");
        return string.Join("\n", [(await page.Locator("#gan-stored-run").InnerTextAsync()).Trim(),
            await page.Locator("#gan-concept").First.EvaluateAsync<string>("e => e.value ?? e.querySelector('input')?.value ?? e.innerText"), .. units]);
    }
}
