// Starts the real dashboard (a DashboardProcess: the built dll on a free loopback port) against a temp database,
// dataset and cache, and one headless Debian chromium for all tests; kills the whole process tree after. Fixtures built
// on it add settings (Shared mode) and seed the store.
using Dissection.Core.Storage;
using Microsoft.Playwright;
using TorchSharp.PyBridge;
using Dissection.Core.Models;

namespace Dissection.EndToEnd.Tests;

public class DashboardFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    private DashboardProcess? _app;
    private IPlaywright? _playwright;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "dd-e2e-" + Guid.NewGuid().ToString("N")[..8]);
    public string BaseUrl { get; private set; } = "";
    public IBrowser Browser { get; private set; } = default!;
    /// <summary>A finished run with a 512-unit layer (conv5) and a 16-unit layer (conv3).</summary>
    public long RunId { get; private set; }
    /// <summary>A finished run small enough to export as a whole quickly.</summary>
    public long SmallRunId { get; private set; }
    public string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");
    public string Log => _app?.Log ?? "";
    public string DataFolder => Path.Combine(Root, "data");
    public string Database => Path.Combine(Root, "data", "results.db");
    /// <summary>The GAN paint page's model: a randomly initialised 64 px generator saved as data/models/test-gan.pt.</summary>
    public const string GanModel = "test-gan";
    /// <summary>The 24 images listed 25 times over: a run on it lasts long enough to be cancelled while it runs.</summary>
    public const string LongDataset = "world-long";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var dataset = Path.Combine(DataFolder, "world");
        DemoResults.WriteDataset(dataset);
        DemoResults.WriteRepeatedDataset(dataset, Path.Combine(DataFolder, LongDataset), copies: 25);
        Directory.CreateDirectory(Path.Combine(DataFolder, "models"));
        WriteTestGan(Path.Combine(DataFolder, "models", GanModel + ".pt"));
        using (var store = ResultsStore.Open(Database))
        {
            RunId = DemoResults.WriteRun(store, dataset, "demo run", units5: 512);
            SmallRunId = DemoResults.WriteRun(store, dataset, "small run", units5: 12, units3: 4);
            Seed(store);
        }

        _app = await DashboardProcess.StartAsync(Root, TimeSpan.FromSeconds(90), ReadyPath, [.. ExtraArguments]);
        BaseUrl = _app.BaseUrl;

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>More command-line settings for the app (a mode, limits), for fixtures built on this one.</summary>
    protected virtual IEnumerable<string> ExtraArguments => [];
    /// <summary>What a fixture built on this one adds to the store before the app starts (users, sharing).</summary>
    protected virtual void Seed(ResultsStore store) { }
    /// <summary>A path that answers 200 once the app is up.</summary>
    protected virtual string ReadyPath => "/api/runs";

    /// <summary>A new, isolated browser context (its own cookies and storage), like a fresh browser.</summary>
    public async Task<IPage> NewPage()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        return page;
    }

    /// <summary>Opens a page and waits until its interactive circuit runs: prerendered HTML looks ready earlier,
    /// but clicks and keys do nothing until then.</summary>
    public async Task Open(IPage page, string path)
    {
        await page.GotoAsync(BaseUrl + path);
        await page.WaitForSelectorAsync("#circuit-ready", new() { State = WaitForSelectorState.Attached });
    }

    /// <summary>On the GAN paint page, chooses units by hand (the unit checkboxes show only then). A fresh page picks
    /// units of a concept whenever the store holds a dissection of the generator's layer; choosing explicitly keeps
    /// a test independent of what other tests stored.</summary>
    public static async Task PickUnitsByHand(IPage page)
    {
        if (await page.Locator("#gan-by-hand").GetAttributeAsync("aria-pressed") != "true")
            await page.Locator("#gan-by-hand").ClickAsync();
        await page.WaitForSelectorAsync("#gan-by-hand[aria-pressed='true']");
    }

    public Task Screenshot(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = false });

    /// <summary>Random weights are enough for the playground: every edit still changes the picture where it is painted.</summary>
    private static void WriteTestGan(string path)
    {
        using var g = new Dissection.Core.Models.ProgressiveGenerator(
            Dissection.Core.Models.ProGanLayout.PerResolution(32, [32, 32, 16, 16, 8]));
        g.InitialiseForTraining(11);
        g.save_py(path);
    }

    internal static string FindRepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Dissection.Dashboard.sln"))) return d.FullName;
        throw new DirectoryNotFoundException("Dissection.Dashboard.sln not found above " + AppContext.BaseDirectory);
    }

    public async Task DisposeAsync()
    {
        // The app's own log beside the screenshots, for diagnosing a failed run.
        try { File.WriteAllText(Path.Combine(ScreenshotFolder, "app.log"), Log); } catch (IOException) { }
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "dashboard";
}
