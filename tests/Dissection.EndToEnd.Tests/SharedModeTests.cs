// Shared mode end to end: a viewer can neither start, cancel nor upload, through the pages or by direct requests; an
// editor cannot cancel another editor's job; a published run opens without signing in while an unpublished one is
// "not found" (404) in its pages, images and API; everything else sends a visitor to sign in.
using System.Net;
using System.Text.Json;
using Microsoft.Playwright;

namespace Dissection.EndToEnd.Tests;

[Collection(SharedModeCollection.Name)]
public class SharedModeTests(SharedModeFixture app)
{
    private string LongDataset => Path.Combine(app.DataFolder, DashboardFixture.LongDataset);

    private static Task<IAPIResponse> Post(IPage page, string url, object? body = null) =>
        page.Context.APIRequest.PostAsync(url, new() { DataObject = body ?? new { }, MaxRedirects = 0 });

    /// <summary>Starts a run on the long dataset by a direct request as the page's user; returns its id.</summary>
    private async Task<long> StartRun(IPage page, string name)
    {
        var started = await Post(page, app.BaseUrl + "/api/runs", RunRequest(name));
        Assert.Equal(201, started.Status);
        return long.Parse(started.Headers["location"].Split('/').Last());
    }

    private object RunRequest(string name) => new
    {
        name, arch = "world-vgg", checkpoint = (string?)null, dataset = LongDataset, layers = new[] { "features.conv5_2" },
        settings = new { topK = 4 },
    };

    [Fact]
    public async Task A_wrong_password_is_refused_and_pages_send_visitors_to_sign_in()
    {
        var page = await app.NewPage();
        var home = await page.GotoAsync(app.BaseUrl + "/try?sample=x");
        Assert.Contains("/login?returnUrl=", page.Url);
        Assert.Contains(Uri.EscapeDataString("/try?sample=x"), page.Url);
        await page.FillAsync("#name", SharedModeFixture.Editor);
        await page.FillAsync("#password", "not the password");
        await page.ClickAsync("#login-submit");
        await page.WaitForSelectorAsync("#login-failed");
        var api = await page.Context.APIRequest.GetAsync(app.BaseUrl + "/api/runs/" + app.SmallRunId + "/layers/conv5/units/0");
        Assert.Equal(404, api.Status);   // unpublished: does not exist for a visitor
        Assert.Equal(401, (await page.Context.APIRequest.GetAsync(app.BaseUrl + "/api/nothing-here")).Status);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_viewer_cannot_start_cancel_or_upload_in_the_pages_or_by_direct_requests()
    {
        var editor = await app.SignIn(SharedModeFixture.Editor);
        var runId = await StartRun(editor, "viewer cannot cancel this");

        var viewer = await app.SignIn(SharedModeFixture.Viewer);
        await app.Open(viewer, "/");
        await viewer.WaitForSelectorAsync($"td[data-run='{runId}']");
        // The page offers nothing: no New run, no cancel on any run or job.
        Assert.Equal(0, await viewer.Locator("#new-run").CountAsync());
        Assert.Equal(0, await viewer.Locator(".run-cancel, .job-cancel, .job-resume").CountAsync());
        // Direct requests meet the same rules on the server.
        Assert.Equal(403, (await Post(viewer, app.BaseUrl + "/api/runs", RunRequest("viewer run"))).Status);
        Assert.Equal(403, (await Post(viewer, app.BaseUrl + $"/api/runs/{runId}/cancel")).Status);
        var png = Directory.GetFiles(Path.Combine(app.DataFolder, "world", "images"), "*.png")[0];
        var upload = await viewer.Context.APIRequest.PostAsync(app.BaseUrl + "/api/uploads?name=x.png",
            new() { DataByte = File.ReadAllBytes(png), MaxRedirects = 0 });
        Assert.Equal(403, upload.Status);
        Assert.Contains("editor", await upload.TextAsync());
        // The /try page refuses the viewer's own image with a message, on the server.
        await app.Open(viewer, $"/try?run={app.RunId}");
        // Chosen once, right when the page says it is ready: the file is not lost (no retry).
        await viewer.SetInputFilesAsync("#try-upload", png);
        await viewer.WaitForSelectorAsync("#try-message");
        Assert.Contains("may not use your own images", await viewer.InnerTextAsync("#try-message"));
        // The attack page (heavy work) is closed to viewers: 403 as a request, a notice when reached inside the circuit.
        Assert.Equal(403, (await viewer.GotoAsync(app.BaseUrl + "/attack"))!.Status);
        await app.Open(viewer, "/");
        await viewer.EvaluateAsync("() => Blazor.navigateTo('/attack')");
        await viewer.WaitForSelectorAsync("#needs-role");
        Assert.Equal(0, await viewer.Locator("#attack-run").CountAsync());
        // The run is still queued or running: nothing the viewer did touched it.
        var runs = await (await editor.Context.APIRequest.GetAsync(app.BaseUrl + $"/api/runs/{runId}")).JsonAsync();
        Assert.NotEqual("cancelled", runs!.Value.GetProperty("run").GetProperty("status").GetString());

        Assert.Equal(200, (await Post(editor, app.BaseUrl + $"/api/runs/{runId}/cancel")).Status);
        await viewer.Context.CloseAsync();
        await editor.Context.CloseAsync();
    }

    [Fact]
    public async Task An_editor_cannot_cancel_another_editors_job_but_can_cancel_their_own()
    {
        var owner = await app.SignIn(SharedModeFixture.Editor);
        var runId = await StartRun(owner, "eddie's run");

        var other = await app.SignIn(SharedModeFixture.OtherEditor);
        await app.Open(other, "/");
        var row = other.Locator("tr.run-row", new() { Has = other.Locator($"td[data-run='{runId}']") });
        await row.WaitForAsync();
        Assert.Equal(0, await row.Locator(".run-cancel").CountAsync());
        var refused = await Post(other, app.BaseUrl + $"/api/runs/{runId}/cancel");
        Assert.Equal(403, refused.Status);
        Assert.Contains("only the jobs you started", await refused.TextAsync());

        // The owner sees the button and the cancel works.
        await app.Open(owner, "/");
        var ownRow = owner.Locator("tr.run-row", new() { Has = owner.Locator($"td[data-run='{runId}']") });
        await ownRow.WaitForAsync();
        var done = await Post(owner, app.BaseUrl + $"/api/runs/{runId}/cancel");
        Assert.Equal(200, done.Status);
        Assert.True((await done.JsonAsync())!.Value.GetProperty("cancelled").GetBoolean());
        await other.Context.CloseAsync();
        await owner.Context.CloseAsync();
    }

    [Fact]
    public async Task A_published_run_opens_without_signing_in_and_an_unpublished_one_is_not_found()
    {
        var page = await app.NewPage();
        await app.Open(page, $"/runs/{app.RunId}");
        await page.WaitForSelectorAsync("#published-state");
        Assert.Contains("demo run", await page.InnerTextAsync("h1"));
        Assert.Equal(0, await page.Locator("#publish-toggle").CountAsync());
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/api/runs/{app.RunId}")).StatusCode);
        // The run list answers a visitor with the published runs only.
        using (var list = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/api/runs")))
        {
            var ids = list.RootElement.EnumerateArray().Select(r => r.GetProperty("id").GetInt64()).ToList();
            Assert.Contains(app.RunId, ids);
            Assert.DoesNotContain(app.SmallRunId, ids);
        }
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/api/runs/{app.RunId}/layers/conv5/units/0/strip.png")).StatusCode);

        foreach (var path in new[]
        {
            $"/runs/{app.SmallRunId}", $"/runs/{app.SmallRunId}/layers/conv5", $"/api/runs/{app.SmallRunId}",
            $"/api/runs/{app.SmallRunId}/layers/conv5/units", $"/api/runs/{app.SmallRunId}/layers/conv5/units/0/strip.png",
            $"/api/runs/{app.SmallRunId}/layers/conv5/export.csv",
        })
            Assert.True((await http.GetAsync(path)).StatusCode == HttpStatusCode.NotFound, path);

        // In-page navigation (no HTTP request) is checked too: the circuit shows "not found" for the unpublished run.
        await page.EvaluateAsync($"() => Blazor.navigateTo('/runs/{app.SmallRunId}')");
        await page.WaitForSelectorAsync("text=There is no run #" + app.SmallRunId);
        Assert.DoesNotContain("small run", await page.InnerTextAsync("main"));

        // The owner publishes the small run; then it opens for anyone.
        var owner = await app.SignIn(SharedModeFixture.Editor);
        await app.Open(owner, $"/runs/{app.SmallRunId}");
        await owner.ClickAsync("#publish-toggle");
        await owner.WaitForSelectorAsync("#published-state");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/api/runs/{app.SmallRunId}")).StatusCode);
        await owner.ClickAsync("#publish-toggle");
        await owner.WaitForSelectorAsync("#publish[data-published='false']");
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/runs/{app.SmallRunId}")).StatusCode);
        // A viewer may not publish.
        var viewer = await app.SignIn(SharedModeFixture.Viewer);
        Assert.Equal(403, (await Post(viewer, app.BaseUrl + $"/api/runs/{app.SmallRunId}/publish")).Status);
        await page.Context.CloseAsync();
        await owner.Context.CloseAsync();
        await viewer.Context.CloseAsync();
    }
}
