// "Your own image" in a real browser: a sample-photo permalink shows the most active units' masks and the "what the
// network sees" overlay; an upload through the file input is analysed, saved, and its permalink reproduces the view
// in a fresh browser; a renamed non-image is refused with a message. The run is world-vgg (untrained weights, so no
// checkpoint file is needed) with a real layer, written into the fixture's database by this test.
using System.Text.RegularExpressions;
using Dissection.Core.Dissection;
using Dissection.Core.Storage;
using Microsoft.Playwright;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Dissection.EndToEnd.Tests;

[Collection(TryDashboardCollection.Name)]
public class TryPageTests(DashboardFixture app)
{
    private const string Layer = "features.conv5_2";
    private static readonly object Gate = new();
    private static long? _run;

    /// <summary>A finished world-vgg run with its conv5_2 (256 units, 16x16 at 128 px): low thresholds, so the shipped
    /// network exceeds them on any photo, and labels above the IoU cut-off for most units.</summary>
    private long Run()
    {
        lock (Gate)
        {
            if (_run is { } id) return id;
            using var store = ResultsStore.Open(app.Database);
            // The shipped weights, not an untrained network: a random initialisation sometimes left no unit above its
            // threshold on the photo, and the test then failed depending on the run order.
            var spec = "world-vgg:" + Path.Combine(DashboardFixture.FindRepoRoot(), "data", "models", "world-vgg.pt");
            id = store.Runs.CreateRun("try run", spec, Path.Combine(app.DataFolder, "world"), [Layer], new DissectionSettings());
            store.Runs.SetStatus(id, RunStatus.Running);
            var units = Enumerable.Range(0, 256).Select(u =>
            {
                var (name, category) = DemoResults.Concepts[u % DemoResults.Concepts.Length];
                var label = new ConceptScore(u % DemoResults.Concepts.Length + 1, name, category, u % 5 == 0 ? 0.01 : 0.05 + u % 7 * 0.02);
                return new UnitResult(u, 0.02f + u % 9 * 0.01f, label, [label], [label], [], new ActivationHistogram(0f, 1f, new long[8]));
            }).ToList();
            store.Layers.SaveLayer(id, new LayerResult(Layer, [256, 16, 16], units, DemoResults.Images, TimeSpan.FromSeconds(1)));
            store.Runs.SetStatus(id, RunStatus.Done, null, DemoResults.Images);
            _run = id;
            return id;
        }
    }

    private static async Task WaitForResult(IPage page)
    {
        await page.WaitForSelectorAsync("#try-map", new() { Timeout = 120_000 });
        await page.WaitForFunctionAsync("() => { const m = document.querySelector('#try-map'); const u = [...document.querySelectorAll('#try-units img')];" +
                                        " return m.complete && m.naturalWidth > 0 && u.length > 0 && u.every(i => i.complete && i.naturalWidth > 0); }");
    }

    [Fact]
    public async Task Sample_photo_permalink_shows_unit_masks_and_what_the_network_sees()
    {
        var run = Run();
        var page = await app.NewPage();
        await app.Open(page, $"/try?run={run}&layer={Layer}&sample=chelsea.jpg");
        await WaitForResult(page);
        Assert.Equal(12, await page.Locator("#try-units .try-unit").CountAsync());
        var href = await page.Locator("#try-units .try-unit").First.GetAttributeAsync("href");
        Assert.Matches($"^/runs/{run}/layers/features.conv5_2/units/\\d+$", href);
        Assert.True(await page.Locator("#try-legend .try-legend-entry").CountAsync() > 0, "the legend lists the concepts seen");
        Assert.Equal(5, await page.Locator("#try-classes tr").CountAsync());
        // The overlay keeps the photo's aspect ratio (chelsea.jpg is wider than tall).
        var (w, h) = (await page.EvalOnSelectorAsync<int>("#try-map", "m => m.naturalWidth"), await page.EvalOnSelectorAsync<int>("#try-map", "m => m.naturalHeight"));
        Assert.True(w > h, $"{w}x{h}");
        await app.Screenshot(page, "try-sample");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Upload_is_analysed_saved_and_its_permalink_reproduces_the_view()
    {
        var run = Run();
        var folder = Directory.CreateTempSubdirectory("dd-try-upload-").FullName;
        try
        {
            // A grayscale image with a 1:4 aspect ratio, and a text file renamed to .png.
            var photo = Path.Combine(folder, "tall-gray.png");
            using (var image = new Image<L8>(60, 240))
            {
                for (var y = 0; y < 240; y++) for (var x = 0; x < 60; x++) image[x, y] = new L8((byte)(x * 4 + y % 50));
                image.SaveAsPng(photo);
            }
            var fake = Path.Combine(folder, "notes.png");
            File.WriteAllText(fake, "these are my notes, not a picture");

            var page = await app.NewPage();
            await app.Open(page, $"/try?run={run}&layer={Layer}");
            await page.Locator("#try-upload").SetInputFilesAsync(fake);
            await page.WaitForSelectorAsync("#try-message");
            Assert.Contains("not an image", await page.Locator("#try-message").InnerTextAsync());

            await page.Locator("#try-upload").SetInputFilesAsync(photo);
            await page.WaitForSelectorAsync("#try-upload-chip");
            await WaitForResult(page);
            Assert.Contains("tall-gray.png", await page.Locator("#try-result").InnerTextAsync());

            // A click that lands while the page re-renders after the analysis can be lost (seen only when another test
            // used the same app first): click again if the URL has not taken the saved upload's id.
            var saved = new Regex("upload=[0-9a-f]{16}");
            for (var attempt = 0; attempt < 3 && !saved.IsMatch(page.Url); attempt++)
            {
                await page.Locator("#try-save").ClickAsync();
                try { await page.WaitForURLAsync(saved, new() { WaitUntil = WaitUntilState.Commit, Timeout = 10_000 }); }   // Blazor updates the URL in place: no load event
                catch (TimeoutException) { }
            }
            Assert.Matches(saved, page.Url);
            await WaitForResult(page);
            var link = page.Url;
            Assert.Single(Directory.GetFiles(Path.Combine(app.DataFolder, "uploads")));
            await page.Context.CloseAsync();

            // A fresh browser with the link sees the saved image again.
            var fresh = await app.NewPage();
            await fresh.GotoAsync(link);
            await fresh.WaitForSelectorAsync("#circuit-ready", new() { State = WaitForSelectorState.Attached });
            await WaitForResult(fresh);
            Assert.Equal(12, await fresh.Locator("#try-units .try-unit").CountAsync());
            await app.Screenshot(fresh, "try-saved-upload");
            await fresh.Context.CloseAsync();
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}

/// <summary>The /try tests get a dashboard of their own: after the other suites' pages had used the shared app, saving
/// an upload there did not change the URL (it does on a fresh app), and isolating the state keeps this test honest
/// about the page rather than about what ran before it.</summary>
[CollectionDefinition(Name)]
public sealed class TryDashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "try-dashboard";
}
