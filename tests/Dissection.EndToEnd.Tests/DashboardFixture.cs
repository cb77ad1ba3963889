// Starts the real dashboard (the built dll, Development environment) on a free loopback port against a temp
// database, dataset and cache, and one headless Debian chromium for all tests; kills the whole process tree after.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Dissection.Core.Storage;
using Microsoft.Playwright;
using TorchSharp.PyBridge;
using Dissection.Core.Models;

namespace Dissection.EndToEnd.Tests;

public sealed class DashboardFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    private Process? _app;
    private readonly StringBuilder _log = new();
    private IPlaywright? _playwright;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "dd-e2e-" + Guid.NewGuid().ToString("N")[..8]);
    public string BaseUrl { get; private set; } = "";
    public IBrowser Browser { get; private set; } = default!;
    /// <summary>A finished run with a 512-unit layer (conv5) and a 16-unit layer (conv3).</summary>
    public long RunId { get; private set; }
    /// <summary>A finished run small enough to export as a whole quickly.</summary>
    public long SmallRunId { get; private set; }
    public string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");
    public string Log { get { lock (_log) return _log.ToString(); } }
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
        }

        var port = FreePort();
        BaseUrl = $"http://127.0.0.1:{port}";
        StartApp(port);
        await WaitUntilUp(TimeSpan.FromSeconds(90));

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync"],
        });
    }

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

    private void StartApp(int port)
    {
        var repo = FindRepoRoot();
        // Same configuration as this test assembly (Debug or Release).
        var config = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var project = Path.Combine(repo, "src", "Dissection.Dashboard");
        var dll = Path.Combine(project, "bin", config, "net10.0", "linux-x64", "Dissection.Dashboard.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"Build the dashboard first: {dll} is missing.");
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = project, // content root = project folder, as under `dotnet run`
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
        {
            dll, "--urls", BaseUrl,
            "--Dashboard:Database", Database,
            "--Dashboard:DataFolders:0", DataFolder,
            "--Dashboard:ModelFolders:0", Path.Combine(DataFolder, "models"),
            "--Dashboard:CacheFolder", Path.Combine(Root, "cache"),
            "--Dashboard:Demo", "false",
        }) psi.ArgumentList.Add(a);
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        _app = Process.Start(psi) ?? throw new InvalidOperationException("dotnet did not start");
        _app.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _app.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _app.BeginOutputReadLine();
        _app.BeginErrorReadLine();
    }

    private async Task WaitUntilUp(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (_app!.HasExited) throw new InvalidOperationException($"The dashboard exited with {_app.ExitCode}:\n{Log}");
            try
            {
                var r = await http.GetAsync(BaseUrl + "/api/runs");
                if (r.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(300);
        }
        throw new TimeoutException($"The dashboard did not answer on {BaseUrl} within {timeout.TotalSeconds} s:\n{Log}");
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
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
        if (_app is { HasExited: false })
        {
            _app.Kill(entireProcessTree: true);
            await _app.WaitForExitAsync();
        }
        _app?.Dispose();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "dashboard";
}
