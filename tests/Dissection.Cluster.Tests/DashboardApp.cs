// The real dashboard as a process (the built dll, Local mode, no demo) on a free loopback port, with extra settings on
// its command line (the Cluster section), driven through its HTTP API: start a run, wait for it to finish.
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Dissection.Cluster.Tests;

public sealed class DashboardApp : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly HttpClient _http;

    private DashboardApp(Process process, string baseUrl)
    {
        _process = process;
        _http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(2) };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Log { get { lock (_log) return _log.ToString(); } }

    /// <param name="root">Its database (results.db) and cache live here.</param>
    /// <param name="dataFolder">The allowed data folder (datasets).</param>
    /// <param name="modelFolder">The allowed model folder (checkpoints).</param>
    public static async Task<DashboardApp> StartAsync(string root, string dataFolder, string modelFolder, params string[] settings)
    {
        var repo = Repository();
        var config = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var project = Path.Combine(repo, "src", "Dissection.Dashboard");
        var dll = Path.Combine(project, "bin", config, "net10.0", "linux-x64", "Dissection.Dashboard.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"Build the dashboard first: {dll} is missing.");
        var url = $"http://127.0.0.1:{FreePort()}";
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = project, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[]
        {
            dll, "--urls", url, "--Dashboard:Database", Path.Combine(root, "results.db"), "--Dashboard:DataFolders:0", dataFolder,
            "--Dashboard:ModelFolders:0", modelFolder, "--Dashboard:CacheFolder", Path.Combine(root, "dashboard-cache"), "--Dashboard:Demo", "false",
        }.Concat(settings)) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_NOLOGO"] = "1";
        var app = new DashboardApp(Process.Start(psi) ?? throw new InvalidOperationException("dotnet did not start"), url);
        for (var until = DateTime.UtcNow.AddSeconds(90); ; await Task.Delay(250))
        {
            try
            {
                if ((await app._http.GetAsync("/api/runs")).StatusCode == HttpStatusCode.OK) return app;
            }
            catch (HttpRequestException) { }
            if (app._process.HasExited || DateTime.UtcNow > until)
            {
                var log = app.Log;
                await app.DisposeAsync();
                throw new InvalidOperationException("the dashboard did not start:\n" + log);
            }
        }
    }

    /// <summary>POST /api/runs; the new run's id on 201, else null with the status and the answer's body.</summary>
    public async Task<(long? Id, int Status, string Body)> StartRunAsync(object request)
    {
        using var answer = await _http.PostAsJsonAsync("/api/runs", request);
        var body = await answer.Content.ReadAsStringAsync();
        return answer.StatusCode == HttpStatusCode.Created
            ? (long.Parse(answer.Headers.Location!.OriginalString.Split('/')[^1]), 201, body)
            : (null, (int)answer.StatusCode, body);
    }

    /// <summary>Polls GET /api/runs/{id} until the run is done; fails with its status and the app's log otherwise.</summary>
    public async Task WaitUntilDoneAsync(long run, TimeSpan timeout)
    {
        var status = "";
        for (var until = DateTime.UtcNow + timeout; DateTime.UtcNow < until; await Task.Delay(500))
        {
            using var doc = JsonDocument.Parse(await _http.GetStringAsync($"/api/runs/{run}"));
            status = doc.RootElement.GetProperty("run").GetProperty("status").ToString();
            if (status.Equals("Done", StringComparison.OrdinalIgnoreCase)) return;
            if (status is "Failed" or "failed" or "Cancelled" or "cancelled") break;
        }
        throw new InvalidOperationException($"run {run} ended as '{status}':\n{Log}");
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static string Repository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Dissection.Dashboard.sln"))) return dir.FullName;
        throw new FileNotFoundException($"no repository above {AppContext.BaseDirectory}");
    }
}
