// The first start on a fresh store, end to end: a real dashboard with the demo on (and no ImageNet run, to save time)
// generates its world, queues the whole pipeline and runs it; then, in a real browser, a class page shows its
// important units and both group curves, GAN paint lists concepts and painting a concept's units changes the
// picture, /attack attacks, and the GAN run's page shows the causal charts. Nobody types a command.
using Dissection.Core.Jobs;
using Dissection.Core.Storage;
using Microsoft.Playwright;

namespace Dissection.EndToEnd.Tests;

// In the dashboard collection only to run alone (its own app), and to borrow the fixture's browser.
[Collection(DashboardCollection.Name)]
public sealed class FirstStartTests(DashboardFixture fixture) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dd-first-" + Guid.NewGuid().ToString("N")[..8]);
    private string Data => Path.Combine(_root, "data");

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task A_fresh_store_gets_the_whole_paper_without_a_command()
    {
        var repo = DashboardFixture.FindRepoRoot();
        // The shipped models stay where they are (the demo names them relative to the root); the world and the store
        // are this test's own. The GAN samples land in the root's data/gan, as on a developer's first start.
        await using var app = await DashboardProcess.StartAsync(_root, TimeSpan.FromSeconds(90), "/api/runs",
            "--Dashboard:Demo", "true", "--Dashboard:DemoImageNet", "false",
            "--Dashboard:DemoWorld", Path.Combine(Data, "world"),
            "--Dashboard:DataFolders:1", Path.Combine(repo, "data"),
            "--Dashboard:ModelFolders:1", Path.Combine(repo, "data", "models"));

        // The pipeline runs by itself: wait until every job the first start queued has ended.
        var deadline = DateTime.UtcNow.AddMinutes(12);
        IReadOnlyList<JobRecord> jobs = [];
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(Path.Combine(Data, "results.db")))
            {
                using var store = ResultsStore.Open(Path.Combine(Data, "results.db"));
                jobs = store.Jobs.ListJobs(100);
                if (jobs.Count >= 5 && jobs.All(j => j.State is not (JobState.Queued or JobState.Running))) break;
            }
            await Task.Delay(2_000);
        }
        Assert.True(jobs.Count >= 5, $"the first start queued {jobs.Count} jobs\n{app.Log}");
        Assert.All(jobs, j => Assert.True(j.State == JobState.Done, $"{j.Title}: {j.State} {j.Message}"));
        long vgg, gan;
        using (var store = ResultsStore.Open(Path.Combine(Data, "results.db")))
        {
            var runs = store.Runs.ListRuns();
            vgg = runs.Single(r => r.Model.StartsWith("world-vgg", StringComparison.Ordinal)).Id;
            gan = runs.Single(r => r.Model.StartsWith("proggan", StringComparison.Ordinal)).Id;
        }

        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(120_000);
        async Task Open(string path)
        {
            await page.GotoAsync(app.BaseUrl + path);
            await page.WaitForSelectorAsync("#circuit-ready", new() { State = WaitForSelectorState.Attached });
        }

        // A class page: its important units and both group curves (remove the top n, keep only them).
        await Open($"/runs/{vgg}/classes/bedroom");
        await page.Locator("[id^='important-unit-']").First.WaitForAsync();
        await page.Locator("#group-curves .main-svg").First.WaitForAsync();
        var curves = await ChartSnapshot.Traces(page, "group-curves");
        Assert.True(curves.GetArrayLength() >= 2, $"group curves: {curves}");

        // GAN paint lists the concepts of the demo GAN's dissection; painting a concept's units changes the picture.
        await Open("/gan/world-gan?seed=3&layer=layer4");
        await page.Locator("#gan-concept-units figure").First.WaitForAsync();
        var original = await page.Locator("#gan-edited").GetAttributeAsync("src");
        var box = await page.Locator("#gan-canvas").BoundingBoxAsync();
        await page.Mouse.MoveAsync(box!.X + box.Width * 0.3f, box.Y + box.Height * 0.6f);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + box.Width * 0.7f, box.Y + box.Height * 0.8f, new() { Steps = 6 });
        await page.Mouse.UpAsync();
        await page.WaitForSelectorAsync("#gan-edited[data-strokes='1']");
        Assert.NotEqual(original, await page.Locator("#gan-edited").GetAttributeAsync("src"));

        // /attack attacks, on the demo run's ablated last layer, a validation image of the generated world.
        var world = Dissection.Core.Datasets.ConceptDataset.Open(Path.Combine(Data, "world"));
        var image = world.Images.ToList().FindIndex(i => i.Split == "val");
        await Open($"/attack?run={vgg}&layer=features.conv5_2&target=bedroom&steps=3&image={image}");
        await page.WaitForFunctionAsync("() => !document.querySelector('#attack-run-one').disabled");
        await page.Locator("#attack-run-one").ClickAsync();
        await page.WaitForSelectorAsync("#attack-result, #attack-message");
        Assert.Equal(0, await page.Locator("#attack-message").CountAsync());
        // ... and its batch chart is already there, from the first start's attack job.
        await page.Locator("#attack-experiments .main-svg").First.WaitForAsync();

        // The GAN run's page shows the causal charts (removal curve, context insertion).
        await Open($"/runs/{gan}");
        await page.Locator(".gan-experiment-chart .main-svg").First.WaitForAsync();
        Assert.True(await page.Locator(".gan-experiment-chart").CountAsync() >= 2);
        Assert.Equal(0, await page.Locator("#gan-experiments-missing").CountAsync());
        await context.CloseAsync();
    }
}
