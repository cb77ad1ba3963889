// Local mode, deleting: the one user deletes a run from its page after a confirmation; "Keep it" keeps it. The run is
// gone from the runs page, the API and the store; the run page then says it is not there.
using Dissection.Core.Storage;
using Microsoft.Playwright;

namespace Dissection.EndToEnd.Tests;

[Collection(DashboardCollection.Name)]
public class LocalDeletionTests(DashboardFixture app)
{
    [Fact]
    public async Task The_local_user_deletes_a_run_after_confirming_and_keeps_it_when_not()
    {
        long run;
        using (var store = ResultsStore.Open(app.Database))
            run = DemoResults.WriteRun(store, Path.Combine(app.DataFolder, "world"), "local deletable run", units5: 12, units3: 4);
        var page = await app.NewPage();
        await app.Open(page, $"/runs/{run}");

        await page.Locator("#delete-run").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await dialog.WaitForAsync();
        Assert.Contains("local deletable run", await dialog.InnerTextAsync());
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Keep it" }).ClickAsync();
        await dialog.WaitForAsync(new() { State = WaitForSelectorState.Detached });
        using (var store = ResultsStore.Open(app.Database)) Assert.NotNull(store.Runs.GetRun(run));

        await page.Locator("#delete-run").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await page.WaitForURLAsync(app.BaseUrl + "/", new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForSelectorAsync($"td[data-run='{app.RunId}']");
        Assert.Equal(0, await page.Locator($"td[data-run='{run}']").CountAsync());
        using (var store = ResultsStore.Open(app.Database)) Assert.Null(store.Runs.GetRun(run));
        Assert.Equal(404, (await page.Context.APIRequest.GetAsync(app.BaseUrl + $"/api/runs/{run}")).Status);
        await page.Context.CloseAsync();
    }
}
