// Twenty browser sessions at once (separate contexts, loopback only), each on its own journey: a GAN paint stroke on
// its own seed with its own hand-picked unit, then its own unit page walked with →. No session may see another's
// state: its picture, strokes, unit count, URL and charts are its own. Bounded: 20 sessions, 6 minutes (the machine is shared).
using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Dissection.EndToEnd.Tests;

[Collection(DashboardCollection.Name)]
public class ParallelSessionsTests(DashboardFixture app, ITestOutputHelper output)
{
    private const int Sessions = 20;

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _log = new();

    private async Task Journey(int i)
    {
        var watch = Stopwatch.StartNew();
        void Step(string what) => _log.Enqueue($"session {i,2}: {watch.Elapsed.TotalSeconds,6:F1} s {what}");
        var run = VariedRun.For(app);
        var page = await app.NewPage();
        page.SetDefaultTimeout(180_000);
        try
        {
            var seed = 100 + i;
            var unit = i % 32;
            await app.Open(page, $"/gan/{DashboardFixture.GanModel}?seed={seed}&layer=layer4");
            await page.WaitForSelectorAsync("#gan-edited[data-strokes='0']");
            Step("GAN page ready");
            await DashboardFixture.PickUnitsByHand(page);
            await page.Locator($"#gan-unit-{unit}").CheckAsync();
            await page.WaitForFunctionAsync("() => document.querySelector('#gan-hand-count')?.textContent === '1'");
            var box = await page.Locator("#gan-canvas").BoundingBoxAsync();
            await page.Mouse.MoveAsync(box!.X + box.Width * 0.2f, box.Y + box.Height * 0.2f);
            await page.Mouse.DownAsync();
            await page.Mouse.MoveAsync(box.X + box.Width * 0.8f, box.Y + box.Height * 0.8f, new() { Steps = 6 });
            await page.Mouse.UpAsync();
            await page.WaitForSelectorAsync("#gan-edited[data-strokes='1']");
            Step("stroke rendered");
            Assert.Equal(seed.ToString(), await page.Locator("#gan-seed-shown").InnerTextAsync());
            Assert.Equal("1", await page.Locator("#gan-stroke-count").InnerTextAsync());
            Assert.Contains($"({unit})", await page.Locator("#gan-strokes").InnerTextAsync());
            Assert.Contains($"seed={seed}&", page.Url);

            var u = i % (VariedRun.Units - 1);
            await app.Open(page, $"/runs/{run}/layers/conv5/units/{u}");
            await page.WaitForSelectorAsync("#histogram-chart .main-svg");
            Step("unit page open, charts drawn");
            await page.WaitForFunctionAsync("() => !!(window.dissection && window.dissection._arrows)");
            await page.Keyboard.PressAsync("ArrowRight");
            await page.WaitForURLAsync(new Regex($"/units/{u + 1}$"));
            Step("→ moved");
            // The histogram's threshold line is the new unit's (conv5 was written with seed 5).
            double expected = VariedRun.Threshold(5, u + 1);
            var shown = Array.Empty<double>();
            for (var t = Stopwatch.StartNew(); t.Elapsed < TimeSpan.FromSeconds(90); await Task.Delay(250))
            {
                shown = await ChartSnapshot.ShapeX(page, "histogram-chart");
                if (shown.SequenceEqual([expected])) break;
            }
            Assert.Equal([expected], shown);
            Assert.Equal((u + 1).ToString(), (await page.Locator("#unit-number").InnerTextAsync()).Trim());
            Step("unit page walked");
        }
        finally { await page.Context.CloseAsync(); }
    }

    [Fact]
    public async Task Twenty_parallel_sessions_keep_their_own_state()
    {
        VariedRun.For(app);
        var watch = Stopwatch.StartNew();
        var journeys = Enumerable.Range(0, Sessions).Select(Journey).ToList();
        var all = Task.WhenAll(journeys);
        var finished = await Task.WhenAny(all, Task.Delay(TimeSpan.FromMinutes(6)));
        foreach (var line in _log.Order()) output.WriteLine(line);
        var failed = journeys.Select((j, i) => (j, i)).Where(p => p.j.IsFaulted).Select(p => $"session {p.i}: {p.j.Exception!.InnerException!.Message}");
        Assert.True(finished == all, $"{journeys.Count(j => !j.IsCompleted)} of {Sessions} sessions still running after 6 minutes\n" + string.Join("\n", failed));
        await all;   // rethrows the first failed session's assertion
        output.WriteLine($"{Sessions} parallel sessions finished in {watch.Elapsed.TotalSeconds:F1} s");
    }
}
