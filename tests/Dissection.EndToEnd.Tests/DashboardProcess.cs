// One real dashboard process: the built dll on a free loopback port against a root folder's database, data, models
// and cache (Development environment, no demo). The shared fixture runs one for all tests; a test that kills and
// restarts the app (kill -9 recovery) runs its own.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dissection.EndToEnd.Tests;

public sealed class DashboardProcess : IAsyncDisposable
{
    private readonly Process _app;
    private readonly StringBuilder _log = new();
    private readonly string _readyPath;

    private DashboardProcess(string root, string readyPath, IEnumerable<string> extraArguments)
    {
        BaseUrl = $"http://127.0.0.1:{FreePort()}";
        _readyPath = readyPath;
        var repo = DashboardFixture.FindRepoRoot();
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
        var data = Path.Combine(root, "data");
        foreach (var a in new[]
        {
            dll, "--urls", BaseUrl,
            "--Dashboard:Database", Path.Combine(data, "results.db"),
            "--Dashboard:DataFolders:0", data,
            "--Dashboard:ModelFolders:0", Path.Combine(data, "models"),
            "--Dashboard:CacheFolder", Path.Combine(root, "cache"),
            "--Dashboard:Demo", "false",
        }.Concat(extraArguments)) psi.ArgumentList.Add(a);
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        _app = Process.Start(psi) ?? throw new InvalidOperationException("dotnet did not start");
        _app.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _app.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _app.BeginOutputReadLine();
        _app.BeginErrorReadLine();
    }

    public string BaseUrl { get; }
    public string Log { get { lock (_log) return _log.ToString(); } }

    /// <summary>Starts the app and waits until <paramref name="readyPath"/> answers 200.</summary>
    public static async Task<DashboardProcess> StartAsync(string root, TimeSpan timeout, string readyPath = "/api/runs", params string[] extraArguments)
    {
        var app = new DashboardProcess(root, readyPath, extraArguments);
        try { await app.WaitUntilUp(timeout); }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return app;
    }

    /// <summary>SIGKILL, as `kill -9`: no shutdown code runs, so jobs stay marked running by a dead owner.</summary>
    public async Task KillHardAsync()
    {
        if (_app.HasExited) return;
        _app.Kill(entireProcessTree: true);
        await _app.WaitForExitAsync();
    }

    private async Task WaitUntilUp(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (_app.HasExited) throw new InvalidOperationException($"The dashboard exited with {_app.ExitCode}:\n{Log}");
            try
            {
                var r = await http.GetAsync(BaseUrl + _readyPath);
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

    public async ValueTask DisposeAsync()
    {
        await KillHardAsync();
        _app.Dispose();
    }
}
