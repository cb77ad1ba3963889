// Real processes: Debian's redis-server on a free loopback port, three `dissect silo --redis` processes, and this test
// as the client (Redis clustering). A dissection of the shipped world-vgg on a small world equals the single-process
// run exactly, also when one silo is killed with SIGKILL (kill -9) mid-dissection; a client whose Redis lists no live
// silo gets the clear unreachable error and nothing is queued. The dashboard started with Cluster settings runs its
// dissections there, storing what a local run stores, and refuses a run clearly when the cluster cannot be reached.
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Models;
using Dissection.Core.Tests;
using Dissection.Core.Tests.Sharding;
using Dissection.Core.World;

namespace Dissection.Cluster.Tests;

public sealed class RedisProcessTests(RedisProcessTests.Deployment d) : IClassFixture<RedisProcessTests.Deployment>
{
    public const string Layer = "features.conv5_2";
    public const int InputSize = 64;

    public sealed class Deployment : IDisposable
    {
        private readonly TempDir _tmp = new();
        private readonly Process _redis;
        public List<(Process Process, int SiloPort)> Silos { get; } = [];
        public string Redis { get; }
        public string ClusterId { get; } = "test-" + Guid.NewGuid().ToString("N")[..8];
        public string World => _tmp.File("world");
        public string Model { get; } = "world-vgg:" + Repository("data/models/world-vgg.pt");
        public DissectionSettings Settings { get; } = new() { BatchSize = 4, TopK = 3 };
        public IReadOnlyList<LayerResult> Single { get; }

        public Deployment()
        {
            WorldGenerator.Generate(new WorldOptions(World, Count: 48, Size: InputSize, Seed: 5));
            var port = FreePort();
            Redis = $"127.0.0.1:{port}";
            _redis = Process.Start(new ProcessStartInfo("redis-server", ["--port", $"{port}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
                { RedirectStandardOutput = true, RedirectStandardError = true }) ?? throw new InvalidOperationException("redis-server did not start");
            WaitForPort(port);
            for (var i = 0; i < 3; i++) StartSilo();
            // The reference: one process, the same thread count as a silo.
            TorchSharp.torch.set_num_threads(1);
            using var model = ModelRegistry.Load(ModelSpec.Parse(Model), new ModelOptions("cpu", InputSize));
            Single = DissectionRun.Execute(model, ConceptDataset.Open(World), [Layer], Settings);
        }

        public ClusterSettings Client => new() { Redis = Redis, ClusterId = ClusterId, ConnectTimeout = TimeSpan.FromSeconds(20) };

        public (Process, int) StartSilo()
        {
            var (silo, gateway) = (FreePort(), FreePort());
            var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "dissect"),
                ["silo", "--redis", Redis, "--cluster-id", ClusterId, "--silo-port", $"{silo}", "--gateway-port", $"{gateway}", "--threads", "1", "--fast-failure"])
                { RedirectStandardOutput = true, RedirectStandardError = true };
            var p = Process.Start(psi) ?? throw new InvalidOperationException("dissect silo did not start");
            p.ErrorDataReceived += (_, _) => { };
            p.BeginErrorReadLine();
            var ready = Task.Run(() =>
            {
                while (p.StandardOutput.ReadLine() is { } line)
                    if (line.StartsWith("silo ", StringComparison.Ordinal)) return line;
                return null;
            });
            if (!ready.Wait(TimeSpan.FromMinutes(2)) || ready.Result is null)
                throw new InvalidOperationException($"dissect silo did not get ready (exited: {p.HasExited})");
            Silos.Add((p, silo));
            return (p, silo);
        }

        public void Dispose()
        {
            foreach (var (p, _) in Silos) { try { if (!p.HasExited) p.Kill(); p.WaitForExit(10_000); } catch (InvalidOperationException) { } p.Dispose(); }
            try { _redis.Kill(); _redis.WaitForExit(10_000); } catch (InvalidOperationException) { }
            _redis.Dispose();
            _tmp.Dispose();
        }

        private static int FreePort()
        {
            using var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            return ((IPEndPoint)l.LocalEndpoint).Port;
        }

        private static void WaitForPort(int port)
        {
            for (var i = 0; i < 100; i++)
            {
                try { using var c = new TcpClient(); c.Connect(IPAddress.Loopback, port); return; }
                catch (SocketException) { Thread.Sleep(100); }
            }
            throw new InvalidOperationException($"redis-server did not listen on {port}");
        }

        private static string Repository(string relative)
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Dissection.Dashboard.sln"))) return Path.Combine(dir.FullName, relative);
            throw new FileNotFoundException($"no repository above {AppContext.BaseDirectory}");
        }
    }

    private WorkOrder Order => WorkOrder.Dissection(d.Model, d.World, [Layer], d.Settings, shards: 6, inputSize: InputSize);

    [Fact]
    public async Task Killing_a_silo_process_mid_dissection_still_gives_the_single_process_results()
    {
        while (d.Silos.Count(s => !s.Process.HasExited) < 3) d.StartSilo();
        await using var cluster = await ClusterConnection.ConnectAsync(d.Client);
        var job = $"kill-{Guid.NewGuid():N}";
        var run = cluster.DissectAsync(job, Order);

        (Process Process, int SiloPort)? victim = null;
        for (var i = 0; victim is null && i < 2400 && !run.IsCompleted; i++)
        {
            var p = await cluster.ProgressAsync(job);
            var done = p.Shards.Where(s => s.State == "done" && s.Silo != p.Coordinator).Select(s => s.Silo!).ToList();
            victim = d.Silos.Where(s => !s.Process.HasExited).Cast<(Process, int)?>()
                .FirstOrDefault(s => done.Any(a => a.Contains($":{s!.Value.Item2}@", StringComparison.Ordinal)));
            if (victim is null) await Task.Delay(50);
        }
        Assert.True(victim is not null && !run.IsCompleted, "no silo could be killed while the job ran");
        victim.Value.Process.Kill();   // SIGKILL: kill -9
        var layers = await run;
        ExactResults.Equal(d.Single, layers);
        var progress = await cluster.ProgressAsync(job);
        Assert.All(progress.Shards, s => Assert.DoesNotContain($":{victim.Value.SiloPort}@", s.Silo));
    }

    [Fact]
    public void Dissect_run_with_Cluster_settings_runs_on_the_cluster_and_stores_the_single_process_results()
    {
        while (d.Silos.Count(s => !s.Process.HasExited) < 3) d.StartSilo();
        using var tmp = new TempDir();
        var (code, output, error) = Cli(tmp.Path, new() { ["Cluster__Redis"] = d.Redis, ["Cluster__ClusterId"] = d.ClusterId },
            "run", "--model", d.Model, "--dataset", d.World, "--layers", Layer, "--input-size", $"{InputSize}", "--batch", "4", "--topk", "3",
            "--db", tmp.File("results.db"), "--cache", tmp.File("cache"));
        Assert.True(code == 0, error);
        Assert.Contains("connected (Redis clustering)", error);
        Assert.Contains("shards done", error);   // the cluster's progress on the console
        using var store = Dissection.Core.Storage.ResultsStore.Open(tmp.File("results.db"));
        var stored = store.Layers.GetLayers(long.Parse(output.Trim().Split('\n')[^1]), includeUnits: true).Single();
        var single = d.Single.Single();
        Assert.Equal(single.Units.Select(u => (u.Threshold, u.Label?.Concept, u.Label?.Iou)), stored.Units.Select(u => (u.Threshold, u.Label?.Concept, u.Label?.Iou)));
    }

    [Fact]
    public void Dissect_run_with_an_unreachable_cluster_fails_clearly_and_records_nothing()
    {
        using var tmp = new TempDir();
        var (code, _, error) = Cli(tmp.Path, new() { ["Cluster__GatewayPort"] = "1", ["Cluster__ClusterId"] = "nobody", ["Cluster__ConnectTimeout"] = "00:00:03" },
            "run", "--model", d.Model, "--dataset", d.World, "--layers", Layer, "--db", tmp.File("results.db"), "--cache", tmp.File("cache"));
        Assert.Equal(2, code);
        Assert.Contains("cannot be reached", error);
        Assert.DoesNotContain("   at ", error);   // no stack trace
        if (File.Exists(tmp.File("results.db")))
        {
            using var store = Dissection.Core.Storage.ResultsStore.Open(tmp.File("results.db"));
            Assert.Empty(store.Runs.ListRuns());
        }
    }

    [Fact]
    public async Task The_dashboard_with_Cluster_settings_dissects_on_the_cluster_and_stores_what_a_local_run_stores()
    {
        while (d.Silos.Count(s => !s.Process.HasExited) < 3) d.StartSilo();
        using var tmp = new TempDir();
        // The reference: the same job kind and settings, run in one process by the CLI without Cluster settings.
        var (code, output, error) = Cli(tmp.Path, new(), "run", "--model", d.Model, "--dataset", d.World, "--layers", Layer,
            "--batch", "4", "--topk", "3", "--db", tmp.File("local.db"), "--cache", tmp.File("cache"));
        Assert.True(code == 0, error);
        var local = StoredUnits(tmp.File("local.db"), long.Parse(output.Trim().Split('\n')[^1]));

        await using var app = await DashboardApp.StartAsync(tmp.Path, Path.GetDirectoryName(d.World)!, Path.GetDirectoryName(d.Model["world-vgg:".Length..])!,
            "--Cluster:Redis", d.Redis, "--Cluster:ClusterId", d.ClusterId, "--Cluster:ConnectTimeout", "00:00:20");
        var run = await app.StartRunAsync(new { name = "on the cluster", arch = "world-vgg", checkpoint = d.Model["world-vgg:".Length..],
            dataset = d.World, layers = new[] { Layer }, settings = new { batchSize = 4, topK = 3 } });
        Assert.True(run.Id is not null, run.Body);
        await app.WaitUntilDoneAsync(run.Id!.Value, TimeSpan.FromMinutes(5));
        Assert.Contains("Connected to cluster", app.Log);
        Assert.Equal(local, StoredUnits(tmp.File("results.db"), run.Id.Value));
    }

    [Fact]
    public async Task The_dashboard_with_an_unreachable_cluster_refuses_a_run_clearly_and_records_nothing()
    {
        using var tmp = new TempDir();
        await using var app = await DashboardApp.StartAsync(tmp.Path, Path.GetDirectoryName(d.World)!, Path.GetDirectoryName(d.Model["world-vgg:".Length..])!,
            "--Cluster:GatewayPort", "1", "--Cluster:ClusterId", "nobody", "--Cluster:ConnectTimeout", "00:00:03");
        var run = await app.StartRunAsync(new { name = "nowhere", arch = "world-vgg", checkpoint = d.Model["world-vgg:".Length..],
            dataset = d.World, layers = new[] { Layer }, settings = new { topK = 3 } });
        Assert.Null(run.Id);
        Assert.Equal(400, run.Status);
        Assert.Contains("cannot be reached", run.Body);
        Assert.DoesNotContain("   at ", run.Body);   // no stack trace
        using var store = Dissection.Core.Storage.ResultsStore.Open(tmp.File("results.db"));
        Assert.Empty(store.Runs.ListRuns());
    }

    private static List<(float, int?, double?)> StoredUnits(string db, long run)
    {
        using var store = Dissection.Core.Storage.ResultsStore.Open(db);
        return store.Layers.GetLayers(run, includeUnits: true).Single().Units.Select(u => (u.Threshold, u.Label?.Concept, (double?)u.Label?.Iou)).ToList();
    }

    private static (int Code, string Out, string Err) Cli(string folder, Dictionary<string, string> env, params string[] args)
    {
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "dissect"), args)
            { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5))) { p.Kill(entireProcessTree: true); throw new TimeoutException("dissect ran past 5 minutes"); }
        return (p.ExitCode, output, err.Result);
    }

    [Fact]
    public async Task A_cluster_that_cannot_be_reached_gives_a_clear_error_and_queues_nothing()
    {
        var settings = new ClusterSettings { GatewayPort = 1, ClusterId = "nobody-" + Guid.NewGuid().ToString("N")[..6], ConnectTimeout = TimeSpan.FromSeconds(3) };
        var e = await Assert.ThrowsAsync<ClusterUnreachableException>(() => ClusterConnection.ConnectAsync(settings));
        Assert.Contains("cannot be reached", e.Message);
        Assert.Contains("Nothing was queued", e.Message);
    }
}
