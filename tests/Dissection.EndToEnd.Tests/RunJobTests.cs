// The runs page as a job console: stored runs listed, a new run started from the dialog (model layers listed by
// the engine, the run queued, run by the job host, progress shown until it ends), and a run cancelled.
using Microsoft.Playwright;

namespace Dissection.EndToEnd.Tests;

[Collection(DashboardCollection.Name)]
public class RunJobTests(DashboardFixture app)
{
    [Fact]
    public async Task Runs_page_lists_stored_runs_with_status_and_links()
    {
        var page = await app.NewPage();
        await app.Open(page, "/");
        await page.WaitForSelectorAsync($"td[data-run='{app.RunId}']");
        var row = page.Locator("tr", new() { Has = page.Locator($"td[data-run='{app.RunId}']") });
        Assert.Equal("done", await row.Locator("[data-status]").GetAttributeAsync("data-status"));
        Assert.Contains("world-vgg", await row.InnerTextAsync());
        await row.Locator(".run-link").ClickAsync();
        await page.WaitForURLAsync($"**/runs/{app.RunId}");
        await page.GoBackAsync();
        await page.WaitForSelectorAsync("#runs");
        await app.Screenshot(page, "runs");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task New_run_from_the_dialog_runs_to_the_end_and_another_can_be_cancelled()
    {
        var page = await app.NewPage();
        await app.Open(page, "/");
        await page.WaitForSelectorAsync("#runs");

        var first = await StartRun(page, "e2e small run");
        await app.Screenshot(page, "new-run-dialog");
        await page.Locator("#run-start").ClickAsync();
        await DialogClosed(page);
        var firstRow = page.Locator("tr", new() { HasText = "e2e small run" });
        await firstRow.WaitForAsync();
        // Live progress: the job host writes it to the store, the page polls it.
        await firstRow.Locator("[data-status='running'] .run-progress").WaitForAsync(new() { Timeout = 120_000 });
        await app.Screenshot(page, "run-in-progress");

        // A second run queues behind the first; cancel it from the table. It dissects the long dataset (600 images):
        // a run of 24 images can now finish before the click lands.
        await StartRun(page, "e2e run to cancel", DashboardFixture.LongDataset, limit: "");
        await page.Locator("#run-start").ClickAsync();
        await DialogClosed(page);
        var secondRow = page.Locator("tr", new() { HasText = "e2e run to cancel" });
        // The table re-renders twice a second while jobs run, which can swallow a click: click again if needed.
        var cancelled = secondRow.Locator("[data-status='cancelled']");
        for (var attempt = 0; attempt < 3 && !await cancelled.IsVisibleAsync(); attempt++)
        {
            var button = secondRow.Locator(".run-cancel");
            if (await button.IsVisibleAsync()) await button.ClickAsync();
            try { await cancelled.WaitForAsync(new() { Timeout = 15_000 }); } catch (TimeoutException) { }
        }
        await cancelled.WaitForAsync(new() { Timeout = 5_000 });
        Assert.Contains("Cancelled", await secondRow.Locator(".run-message").InnerTextAsync());

        // The first run ends by itself; the page updates without a reload.
        var ended = firstRow.Locator("[data-status='done'], [data-status='failed']");
        await ended.WaitForAsync(new() { Timeout = 240_000 });
        await app.Screenshot(page, "runs-after-jobs");
        var status = await ended.GetAttributeAsync("data-status");
        if (status == "failed")
        {
            // The engine's own words reach the page (until the engine lands this is the "not available" message).
            var message = await firstRow.Locator(".run-message").InnerTextAsync();
            Assert.False(string.IsNullOrWhiteSpace(message));
            Assert.Fail("The new run failed: " + message);
        }
        await firstRow.Locator(".run-link").ClickAsync();
        await page.WaitForSelectorAsync("#detectors-chart .main-svg");
        await page.Context.CloseAsync();
    }

    /// <summary>Waits for the dialog to close; when it stays open, fails with the error it shows.</summary>
    private static async Task DialogClosed(IPage page)
    {
        try { await page.WaitForSelectorAsync(".mud-dialog", new() { State = WaitForSelectorState.Detached }); }
        catch (TimeoutException)
        {
            var error = page.Locator("#run-error");
            Assert.Fail("The dialog stayed open: " + (await error.IsVisibleAsync() ? await error.InnerTextAsync() : "no error shown"));
        }
    }

    /// <summary>Opens the dialog and fills it: alexnet (random weights), the given dataset (default: the first, the
    /// fixture's), its default layer, and the image limit (empty = all).</summary>
    private static async Task<ILocator> StartRun(IPage page, string name, string? dataset = null, string limit = "24")
    {
        await page.Locator("#new-run").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await dialog.WaitForAsync();
        await dialog.Locator("#run-name").FillAsync(name);
        await dialog.Locator("#run-model-box .mud-input-control").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "alexnet" }).First.ClickAsync();
        // Listing layers loads the model and runs one forward pass in the background.
        await dialog.Locator("#run-layers").WaitForAsync(new() { Timeout = 120_000 });
        Assert.True(await dialog.Locator("#run-layers .dd-mono").CountAsync() > 3);
        if (dataset is not null)
        {
            await dialog.Locator("#run-dataset").FillAsync(dataset);
            await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = dataset }).First.ClickAsync();
        }
        await dialog.Locator("#run-limit").FillAsync(limit);
        await dialog.Locator("#run-topk").FillAsync("4");
        await page.WaitForFunctionAsync("() => !document.querySelector('#run-start').disabled");
        return dialog;
    }
}
