// Shared mode end to end, deleting: an editor deletes their own upload (on the uploads page) and their own run (on the
// run page), and both are gone from the pages, the API, the store and the disk; another editor's are refused (no
// button, and 403/404 to direct requests), a viewer is refused by direct requests, and a run whose job still runs is
// refused with a message. The uploads page's numbers equal the store's, for an editor and for an admin.
using System.Text.Json;
using Dissection.Core.Gan;
using Dissection.Core.Jobs;
using Dissection.Core.Storage;
using Microsoft.Playwright;

namespace Dissection.EndToEnd.Tests;

[Collection(SharedModeCollection.Name)]
public class DeletionTests(SharedModeFixture app)
{
    private const string EddieOwner = "user:" + SharedModeFixture.Editor, OlgaOwner = "user:" + SharedModeFixture.OtherEditor;

    private static Task<IAPIResponse> Delete(IPage page, string url) =>
        page.Context.APIRequest.DeleteAsync(url, new() { MaxRedirects = 0 });

    private async Task<string> Upload(IPage page, string file, string name)
    {
        var saved = await page.Context.APIRequest.PostAsync(app.BaseUrl + "/api/uploads?name=" + Uri.EscapeDataString(name),
            new() { DataByte = File.ReadAllBytes(file), MaxRedirects = 0 });
        Assert.Equal(200, saved.Status);
        return (await saved.JsonAsync())!.Value.GetProperty("id").GetString()!;
    }

    private string UploadFile(string id) => Path.Combine(app.DataFolder, "uploads", id + ".png");

    private async Task ConfirmDialog(IPage page)
    {
        var dialog = page.Locator(".mud-dialog");
        await dialog.WaitForAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
    }

    [Fact]
    public async Task An_editor_deletes_their_own_upload_on_the_uploads_page_and_no_one_elses()
    {
        var images = Directory.GetFiles(Path.Combine(app.DataFolder, "world", "images"), "*.png").Order().ToArray();
        var eddie = await app.SignIn(SharedModeFixture.Editor);
        var olga = await app.SignIn(SharedModeFixture.OtherEditor);
        var mine = await Upload(eddie, images[3], "mine.png");
        var kept = await Upload(eddie, images[4], "kept.png");
        var hers = await Upload(olga, images[5], "hers.png");

        // The page's numbers are the store's.
        await app.Open(eddie, "/uploads");
        await eddie.WaitForSelectorAsync($"tr.upload-row[data-id='{mine}']");
        using (var store = ResultsStore.Open(app.Database))
        {
            var stored = store.Uploads.List(EddieOwner);
            Assert.Equal(stored.Select(u => u.Id).Order(), await eddie.Locator("tr.upload-row").EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.id).sort()"));
            Assert.Equal(store.Uploads.Bytes(EddieOwner).ToString(), await eddie.GetAttributeAsync("#uploads-used", "data-bytes"));
            Assert.Equal((100L * 1024 * 1024).ToString(), await eddie.GetAttributeAsync("#uploads-quota", "data-bytes"));
            Assert.Contains("mine.png", await eddie.InnerTextAsync($"tr.upload-row[data-id='{mine}']"));
        }
        Assert.Equal(0, await eddie.Locator($"tr.upload-row[data-id='{hers}']").CountAsync());   // not hers

        // Deleting on the page: after the confirmation the row, the holding and the file are gone; the other stays.
        await eddie.Locator($"tr.upload-row[data-id='{mine}'] .upload-delete").ClickAsync();
        await ConfirmDialog(eddie);
        await eddie.WaitForSelectorAsync($"tr.upload-row[data-id='{mine}']", new() { State = WaitForSelectorState.Detached });
        Assert.False(File.Exists(UploadFile(mine)));
        Assert.True(File.Exists(UploadFile(kept)));
        using (var store = ResultsStore.Open(app.Database))
        {
            Assert.DoesNotContain(store.Uploads.List(), u => u.Id == mine);
            Assert.Equal(store.Uploads.Bytes(EddieOwner).ToString(), await eddie.GetAttributeAsync("#uploads-used", "data-bytes"));
        }
        var listed = await (await eddie.Context.APIRequest.GetAsync(app.BaseUrl + "/api/uploads")).JsonAsync();
        var ids = listed!.Value.GetProperty("uploads").EnumerateArray().Select(u => u.GetProperty("id").GetString()).ToList();
        Assert.DoesNotContain(mine, ids);
        Assert.Contains(kept, ids);

        // Olga's upload: not his by default (404), refused when named (403); a viewer is refused; her file stays.
        Assert.Equal(404, (await Delete(eddie, app.BaseUrl + $"/api/uploads/{hers}")).Status);
        Assert.Equal(403, (await Delete(eddie, app.BaseUrl + $"/api/uploads/{hers}?owner={Uri.EscapeDataString(OlgaOwner)}")).Status);
        var viewer = await app.SignIn(SharedModeFixture.Viewer);
        Assert.Equal(403, (await Delete(viewer, app.BaseUrl + $"/api/uploads/{hers}?owner={Uri.EscapeDataString(OlgaOwner)}")).Status);
        await app.Open(viewer, "/uploads");
        await viewer.WaitForSelectorAsync("#uploads-message");
        Assert.Contains("editor", await viewer.InnerTextAsync("#uploads-message"));
        Assert.True(File.Exists(UploadFile(hers)));

        // An admin sees every user's use, each equal to the store's, and may delete anyone's.
        var ada = await app.SignIn(SharedModeFixture.Admin);
        await app.Open(ada, "/uploads");
        await ada.WaitForSelectorAsync($"tr.upload-row[data-id='{hers}']");
        using (var store = ResultsStore.Open(app.Database))
            foreach (var owner in store.Uploads.List().Select(u => u.Owner).Distinct())
                Assert.Equal(store.Uploads.Bytes(owner).ToString(),
                    await ada.GetAttributeAsync($"#uploads-by-owner tr.owner-row[data-owner='{owner}']", "data-bytes"));
        Assert.Equal(200, (await Delete(ada, app.BaseUrl + $"/api/uploads/{hers}?owner={Uri.EscapeDataString(OlgaOwner)}")).Status);
        Assert.False(File.Exists(UploadFile(hers)));
        foreach (var p in new[] { eddie, olga, viewer, ada }) await p.Context.CloseAsync();
    }

    [Fact]
    public async Task An_editor_deletes_their_own_run_with_everything_kept_for_it_and_no_one_elses()
    {
        // A finished run of Eddie's with a job, a short link, a report and generator samples inside the data folder, and
        // a second samples "folder" that is a link leading outside the allowed folders: only the first goes.
        var outside = Path.Combine(app.Root, "outside-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "keep.txt"), "not the dashboard's");
        var samples = Path.Combine(app.DataFolder, "gan", "deletable-samples");
        Directory.CreateDirectory(samples);
        File.WriteAllText(Path.Combine(samples, "0.png"), "sample");
        long run, linked;
        string report, shortLink;
        using (var store = ResultsStore.Open(app.Database))
        {
            run = DemoResults.WriteRun(store, Path.Combine(app.DataFolder, "world"), "eddie's deletable run", units5: 12, units3: 4);
            linked = DemoResults.WriteRun(store, Path.Combine(app.DataFolder, "world"), "eddie's linked run", units5: 12, units3: 4);
            store.SetRunOwner(run, SharedModeFixture.Editor);
            store.SetRunOwner(linked, SharedModeFixture.Editor);
            store.Gan.SaveGanRun(run, new GanSampleSet("proggan:g.pt", "world-seg:s.pt", 1, 10, 128, 64, 64, samples));
            var link = Path.Combine(app.DataFolder, "gan", "linked-samples-" + linked);
            Directory.CreateSymbolicLink(link, outside);
            store.Gan.SaveGanRun(linked, new GanSampleSet("proggan:g.pt", "world-seg:s.pt", 2, 10, 128, 64, 64, link));
            var job = store.Jobs.CreateJob(new JobRequest(JobKind.Ablate, "ablate eddie's run", new { }), $$"""{"runId":{{run}},"layer":"conv5"}""");
            store.Jobs.CancelQueuedJob(job, "not now");
            shortLink = store.Links.SaveShortLink($"/runs/{run}/layers/conv5?q=" + new string('x', 30));
            report = Path.Combine(app.Root, "cache", "reports", $"run{run}-{store.Runs.GetRun(run)!.CreatedUtc.Ticks}-report.html");
            Directory.CreateDirectory(Path.GetDirectoryName(report)!);
            File.WriteAllText(report, "<html>report</html>");
        }

        // Another editor and a viewer: no button, and direct requests are refused; nothing changed.
        var olga = await app.SignIn(SharedModeFixture.OtherEditor);
        await app.Open(olga, $"/runs/{run}");
        await olga.WaitForSelectorAsync("h1");
        Assert.Equal(0, await olga.Locator("#delete-run").CountAsync());
        var refused = await Delete(olga, app.BaseUrl + $"/api/runs/{run}");
        Assert.Equal(403, refused.Status);
        Assert.Contains("only the runs you started", await refused.TextAsync());
        var viewer = await app.SignIn(SharedModeFixture.Viewer);
        Assert.Equal(403, (await Delete(viewer, app.BaseUrl + $"/api/runs/{run}")).Status);
        using (var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) })
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http.DeleteAsync($"/api/runs/{run}")).StatusCode);
        using (var store = ResultsStore.Open(app.Database)) Assert.NotNull(store.Runs.GetRun(run));

        // The owner deletes it from the run page, after the confirmation.
        var eddie = await app.SignIn(SharedModeFixture.Editor);
        await app.Open(eddie, $"/runs/{run}");
        await eddie.Locator("#delete-run").ClickAsync();
        await ConfirmDialog(eddie);
        await eddie.WaitForURLAsync(app.BaseUrl + "/", new() { WaitUntil = WaitUntilState.Commit });
        await eddie.WaitForSelectorAsync($"td[data-run='{app.RunId}']");
        Assert.Equal(0, await eddie.Locator($"td[data-run='{run}']").CountAsync());
        Assert.Equal(404, (await eddie.Context.APIRequest.GetAsync(app.BaseUrl + $"/api/runs/{run}")).Status);
        var list = await (await eddie.Context.APIRequest.GetAsync(app.BaseUrl + "/api/runs")).JsonAsync();
        Assert.DoesNotContain(run, list!.Value.EnumerateArray().Select(r => r.GetProperty("id").GetInt64()));
        await app.Open(eddie, $"/runs/{run}");
        await eddie.WaitForSelectorAsync($"text=There is no run #{run}");
        using (var store = ResultsStore.Open(app.Database))
        {
            Assert.Null(store.Runs.GetRun(run));
            Assert.Empty(store.Layers.GetLayerSummaries(run));
            Assert.Null(store.Gan.GetGanRun(run));
            Assert.DoesNotContain(store.Jobs.ListJobs(1000), j => j.Title == "ablate eddie's run");
            Assert.Null(store.Links.GetShortLink(shortLink));
        }
        Assert.False(File.Exists(report));
        Assert.False(Directory.Exists(samples));

        // The run whose samples are a link leading out: the run goes, the link and what it leads to stay.
        Assert.Equal(200, (await Delete(eddie, app.BaseUrl + $"/api/runs/{linked}")).Status);
        Assert.True(File.Exists(Path.Combine(outside, "keep.txt")));

        // A run whose job still runs is refused, with a message saying what to do.
        var started = await eddie.Context.APIRequest.PostAsync(app.BaseUrl + "/api/runs", new()
        {
            DataObject = new { name = "busy run", arch = "world-vgg", checkpoint = (string?)null,
                dataset = Path.Combine(app.DataFolder, DashboardFixture.LongDataset), layers = new[] { "features.conv5_2" }, settings = new { topK = 4 } },
        });
        Assert.Equal(201, started.Status);
        var busy = long.Parse(started.Headers["location"].Split('/').Last());
        var conflict = await Delete(eddie, app.BaseUrl + $"/api/runs/{busy}");
        Assert.Equal(409, conflict.Status);
        Assert.Contains("cancel it", await conflict.TextAsync());
        await eddie.Context.APIRequest.PostAsync(app.BaseUrl + $"/api/runs/{busy}/cancel", new() { DataObject = new { } });
        foreach (var p in new[] { olga, viewer, eddie }) await p.Context.CloseAsync();
    }
}
