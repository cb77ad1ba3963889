// The /attack page in a real browser on the shipped world classifier: a freshly generated world, a run of
// world-vgg, and its conv5_2 ablated the way `dissect ablate` does it (AblationSession + AblationRunner). The page's
// controls pick the image, target and budget; the attack runs with progress; the charts and images appear; the
// permalink reproduces the same numbers in a fresh browser; a layer without ablation results and an ε out of range are
// explained; a long attack is cancelled.
using Dissection.Core.Ablation;
using Dissection.Core.Datasets;
using Dissection.Core.Models;
using Dissection.Core.Storage;
using Dissection.Core.World;
using Microsoft.Playwright;
using static TorchSharp.torch;

namespace Dissection.EndToEnd.Tests;

[Collection(DashboardCollection.Name)]
public class AttackPageTests(DashboardFixture app)
{
    private const string Layer = "features.conv5_2";

    /// <summary>The prepared run, an image to attack and two classes it is not predicted as.</summary>
    private sealed record AttackWorld(long Run, int Image, string Target, string OtherTarget);

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<string, AttackWorld> Prepared = [];

    /// <summary>Generates a small world, creates a world-vgg run on it and ablates conv5_2 once per dashboard.</summary>
    private async Task<AttackWorld> Prepare()
    {
        await Gate.WaitAsync();
        try
        {
            if (Prepared.TryGetValue(app.Root, out var done)) return done;
            var world = await Task.Run(() => Build());
            Prepared[app.Root] = world;
            return world;
        }
        finally { Gate.Release(); }
    }

    private AttackWorld Build()
    {
        var folder = Path.Combine(app.DataFolder, "attack-world");
        WorldGenerator.Generate(new WorldOptions(folder, Count: 12, Size: 128, Seed: 5, Threads: 1));
        var checkpoint = Path.Combine(DashboardFixture.FindRepoRoot(), "data", "models", "world-vgg.pt");
        var spec = "world-vgg:" + checkpoint;
        var dataset = ConceptDataset.Open(folder);
        using var model = ModelRegistry.Load(ModelSpec.Parse(spec), new ModelOptions("cpu"));

        long run;
        using (var store = ResultsStore.Open(app.Database))
        {
            run = store.Runs.CreateRun("attack world", spec, folder, [Layer], new());
            store.Runs.SetStatus(run, RunStatus.Done, null, dataset.Images.Count);
            // What `dissect ablate --run R --layer features.conv5_2` does, on every image of the small world.
            var settings = new AblationSettings { BatchSize = 12 };
            using var session = AblationSession.Open(model, dataset, Layer, settings);
            store.Ablations.SaveAblation(run, AblationRunner.Run(session, settings));
        }

        // The first pickable (val) image and two classes the classifier does not already predict for it, so the
        // attack has somewhere to go and a zero-budget attack never stops early.
        var index = dataset.Images.ToList().FindIndex(i => i.Split == "val");
        Assert.True(index >= 0, "the generated world has no val image");
        int predicted;
        using (NewDisposeScope())
        {
            var pixels = dataset.LoadImages([dataset.Images[index]], model.Preprocessing.InputSize).Pixels;
            using var _ = no_grad();
            predicted = (int)model.Module.call(model.Preprocessing.Apply(pixels)).argmax(1).item<long>();
        }
        var others = model.ClassNames!.Where((_, c) => c != predicted).ToList();
        var target = others.Contains("bedroom") ? "bedroom" : others[0];
        return new AttackWorld(run, index, target, others.First(c => c != target));
    }

    [Fact]
    public async Task Attack_from_the_page_shows_images_and_charts_and_its_permalink_reproduces_it()
    {
        var world = await Prepare();
        var page = await app.NewPage();
        page.SetDefaultTimeout(180_000);   // the first attack loads the model on a busy 2-core machine
        await app.Open(page, $"/attack?run={world.Run}");

        // The user's choices, through the page's own controls.
        await page.Locator(".mud-input-control", new() { HasText = "layer (ablated)" }).First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = Layer }).ClickAsync();
        await page.WaitForFunctionAsync($"() => location.search.includes('layer={Layer}')");
        await page.Locator(".mud-input-control", new() { HasText = "target class" }).First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = world.Target }).First.ClickAsync();
        await page.WaitForFunctionAsync($"() => location.search.includes('target={Uri.EscapeDataString(world.Target)}')");
        await SetField(page, "#attack-image", world.Image.ToString(), "image=");
        await SetField(page, "#attack-eps", "3/255", "eps=");   // not the default 4/255, which would change nothing
        await SetField(page, "#attack-steps", "4", "steps=4");
        Assert.Equal(0, await page.Locator("#attack-message").CountAsync());

        await page.Locator("#attack-run-one").ClickAsync();
        await page.Locator("#attack-progress").WaitForAsync();            // visible progress while it runs...
        await page.WaitForSelectorAsync("#attack-result, #attack-message");
        if (await page.Locator("#attack-message").CountAsync() > 0)
            Assert.Fail("the attack failed: " + await page.Locator("#attack-message").InnerTextAsync());
        await page.Locator("#attack-progress").WaitForAsync(new() { State = WaitForSelectorState.Detached });   // ...and gone after

        await page.WaitForSelectorAsync("#attack-probabilities .main-svg");
        await page.WaitForSelectorAsync("#attack-shifts .main-svg");
        await page.WaitForFunctionAsync("() => ['#attack-clean', '#attack-adversarial', '#attack-perturbation']" +
                                        ".every(s => { const i = document.querySelector(s); return i && i.complete && i.naturalWidth > 0; })");
        Assert.True(await page.Locator("#attack-masks img").CountAsync() >= 2);
        var result = await page.Locator("#attack-result").InnerTextAsync();
        Assert.Contains($"target {world.Target}:", result);
        Assert.Contains("4 steps", result.Replace("\n", " "));
        await app.Screenshot(page, "attack-page");

        // The permalink in a fresh browser: same settings, same image, same numbers.
        var link = page.Url;
        Assert.Contains("eps=3", link);
        var fresh = await app.NewPage();
        fresh.SetDefaultTimeout(180_000);
        await fresh.GotoAsync(link);
        await fresh.WaitForSelectorAsync("#circuit-ready", new() { State = WaitForSelectorState.Attached });
        await fresh.WaitForFunctionAsync("() => !document.querySelector('#attack-run-one').disabled");
        await fresh.Locator("#attack-run-one").ClickAsync();
        await fresh.WaitForSelectorAsync("#attack-result, #attack-message");
        Assert.Equal(0, await fresh.Locator("#attack-message").CountAsync());
        Assert.Equal(result, await fresh.Locator("#attack-result").InnerTextAsync());
        await fresh.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Missing_ablation_and_bad_budget_are_explained_and_a_long_attack_can_be_cancelled()
    {
        var world = await Prepare();
        var page = await app.NewPage();
        page.SetDefaultTimeout(180_000);

        // A layer that was never ablated: the page names it and offers the button that ablates it.
        await app.Open(page, $"/attack?run={world.Run}&layer=features.conv4_1&target={Uri.EscapeDataString(world.Target)}&image={world.Image}");
        var message = await page.Locator("#attack-needs-ablation").InnerTextAsync();
        Assert.Contains("'features.conv4_1'", message);
        Assert.Contains("no ablation results", message);
        Assert.Contains("Ablate features.conv4_1", await page.Locator("#attack-needs-ablation .dd-make-it-button").TextContentAsync());

        // An ε outside [0, 1] is refused with the reason, before any work.
        await app.Open(page, $"/attack?run={world.Run}&layer={Layer}&target={Uri.EscapeDataString(world.Target)}&image={world.Image}&eps=2");
        await page.Locator("#attack-run-one").ClickAsync();
        Assert.Contains("within [0, 1]", await page.Locator("#attack-message").InnerTextAsync());
        Assert.Equal(0, await page.Locator("#attack-result").CountAsync());

        // A zero budget never reaches a class the image is not predicted as, so 500 steps run until cancelled.
        await app.Open(page, $"/attack?run={world.Run}&layer={Layer}&target={Uri.EscapeDataString(world.OtherTarget)}" +
                             $"&image={world.Image}&eps=0&steps=500");
        await page.WaitForFunctionAsync("() => !document.querySelector('#attack-run-one').disabled");
        await page.Locator("#attack-run-one").ClickAsync();
        await page.WaitForFunctionAsync("() => /step [1-9]\\d* of at most 500/.test(document.body.innerText)");
        await page.Locator("#attack-cancel").ClickAsync();
        await page.Locator("#attack-message", new() { HasText = "Cancelled." }).WaitForAsync();
        Assert.Equal(0, await page.Locator("#attack-result").CountAsync());
        await page.Locator("#attack-progress").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        Assert.True(await page.Locator("#attack-run-one").IsEnabledAsync());   // ready for the next attack
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Batch_experiment_runs_as_a_job_and_the_page_then_shows_what_a_fresh_load_shows()
    {
        var world = await Prepare();
        var page = await app.NewPage();
        page.SetDefaultTimeout(180_000);
        var url = $"/attack?run={world.Run}&layer={Layer}&target={Uri.EscapeDataString(world.Target)}&image={world.Image}";
        await app.Open(page, url);
        int before;
        using (var store = ResultsStore.Open(app.Database)) before = store.Attacks.GetAttackExperiments(world.Run, Layer).Count;

        // The batch is a job of the queue, pre-filled for the page's run, layer and target.
        await page.Locator("#attack-run-batch .dd-make-it-button").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await dialog.Locator("#job-form[data-kind='Attack']").WaitForAsync();
        await page.WaitForFunctionAsync("([run, layer]) => { const f = document.querySelector('#job-form'); return f?.dataset.run === run && f?.dataset.layer === layer; }",
            new[] { world.Run.ToString(System.Globalization.CultureInfo.InvariantCulture), Layer });
        await dialog.Locator("#job-count").FillAsync("3");
        await dialog.Locator("#job-start").ClickAsync();
        await page.WaitForSelectorAsync(".mud-dialog", new() { State = WaitForSelectorState.Detached });

        // Progress while it waits or runs, then the page reloads the experiments itself.
        await page.Locator("#attack-run-batch .dd-make-it-progress").WaitForAsync();
        await page.WaitForFunctionAsync("n => document.querySelectorAll('#attack-experiment-table tbody tr').length > n",
            before, new() { Timeout = 300_000 });
        var shown = await Experiments(page);

        StoredAttackExperiment[] stored;
        using (var store = ResultsStore.Open(app.Database)) stored = [.. store.Attacks.GetAttackExperiments(world.Run, Layer)];
        Assert.Equal(before + 1, stored.Length);
        Assert.Contains(stored, e => e.Result.Requested == 3 && e.Result.TargetName == world.Target);

        var fresh = await app.NewPage();
        fresh.SetDefaultTimeout(180_000);
        await app.Open(fresh, url);
        await fresh.Locator("#attack-experiments .main-svg").First.WaitForAsync();
        Assert.Equal(await Experiments(fresh), shown);
        await fresh.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    /// <summary>The batch card as data: the table's rows and the chart's traces.</summary>
    private static async Task<string> Experiments(IPage page)
    {
        await page.Locator("#attack-experiments .main-svg").First.WaitForAsync();
        var rows = await page.Locator("#attack-experiment-table tbody tr").AllInnerTextsAsync();
        return string.Join("\n", [.. rows, await ChartSnapshot.Settled(page)]);
    }

    /// <summary>Types into a MudBlazor field and leaves it, as a user does; the page writes it into the URL.</summary>
    private static async Task SetField(IPage page, string selector, string value, string inQuery)
    {
        await page.Locator(selector).FillAsync(value);
        await page.Locator(selector).PressAsync("Tab");
        await page.WaitForFunctionAsync($"s => location.search.includes(s)", inQuery);
    }
}
