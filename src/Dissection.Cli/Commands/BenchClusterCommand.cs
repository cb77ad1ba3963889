// `dissect bench-cluster`: what the cluster costs and gives, as ratios measured in one run, repeated, medians.
//   1. a 1-silo cluster (localhost clustering, a silo in this process) against in-process, both with 2 torch threads;
//   2. 2 silo processes with 1 thread each against 1 process with 2 threads;
//   3. the coordinator's merge cost per shard: bytes the shards send and milliseconds merging, from the same passes
//      run in this process (ShardedDissection's Traffic), for several shard counts.
// Every condition dissects the same images once before it is timed (models load once per silo, the JIT warms up), and
// the timed rounds interleave the conditions.
using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dissection.Cluster;
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Models;
using Dissection.Core.Statistics;
using Dissection.Core.Storage;
using Microsoft.Extensions.Hosting;
using TorchSharp;

namespace Dissection.Cli.Commands;

public sealed class BenchClusterCommand : Verb
{
    private readonly Option<string> _model = CliOptions.TextOr("--model", "the dissected classifier", "world-vgg:data/models/world-vgg.pt", "SPEC");
    private readonly Option<string> _dataset = CliOptions.TextOr("--dataset", "a Broden folder every silo sees", "data/world", "PATH");
    private readonly Option<string> _layer = CliOptions.TextOr("--layer", "the dissected layer", "features.conv5_2", "L");
    private readonly Option<int> _limit = CliOptions.Int("--limit", "images dissected per run", 64, min: 1);
    private readonly Option<int?> _inputSize = CliOptions.OptionalInt("--input-size", "override the model's input size", min: 1, helpName: "S");
    private readonly Option<int> _rounds = CliOptions.Int("--rounds", "timed runs per condition", 3, min: 1);
    private readonly Option<int> _shards = CliOptions.Int("--shards", "shards per cluster job", 4, min: 1);

    public BenchClusterCommand() : base("bench-cluster", "time a 1-silo cluster against in-process, 2 silos against 1 process, and the merge cost per shard")
    {
        Add(_model, _dataset, _layer, _limit, _inputSize, _rounds, _shards);
    }

    protected override int Run(ParseResult parse, CancellationToken cancel)
    {
        var spec = parse.GetValue(_model)!;
        var dataset = Path.GetFullPath(parse.GetValue(_dataset)!);
        if (!Directory.Exists(dataset)) throw new UsageException($"--dataset: no folder '{parse.GetValue(_dataset)}' (run `dissect world` first)");
        var layer = parse.GetValue(_layer)!;
        var inputSize = parse.GetValue(_inputSize);
        var rounds = parse.GetValue(_rounds);
        var shards = parse.GetValue(_shards);
        // Batches of 8, so that 8 shards of 64 images are whole batches.
        var settings = new DissectionSettings { Limit = parse.GetValue(_limit), BatchSize = 8 };
        var model = StoredRunModel.Spec(spec, Directory.GetCurrentDirectory()).ToString();
        var order = WorkOrder.Dissection(model, dataset, [layer], settings, shards, inputSize);
        var images = DissectionRun.SelectImages(ConceptDataset.Open(dataset).Images, settings).Count;
        Console.WriteLine($"{spec} {layer} on {images} images of {dataset}; {rounds} timed rounds per condition, {shards} shards per cluster job; " +
                          $"load {File.ReadAllText("/proc/loadavg").Trim()}");

        torch.set_num_threads(2);
        using var loaded = ModelRegistry.Load(ModelSpec.Parse(model), new ModelOptions("cpu", inputSize));
        var data = ConceptDataset.Open(dataset);

        // 1. One silo in this process (2 threads, as the in-process runs), the client beside it; 2. two silo processes
        // with 1 thread each. Both clusters stay up, and the rounds interleave the three conditions, so that a change
        // of the machine's load hits them alike.
        var oneSilo = new ClusterSettings { ClusterId = "bench1-" + Guid.NewGuid().ToString("N")[..6], SiloPort = FreePort(), GatewayPort = FreePort(), Threads = 2 };
        oneSilo = oneSilo with { PrimarySiloPort = oneSilo.SiloPort };
        var twoSilos = new ClusterSettings { ClusterId = "bench2-" + Guid.NewGuid().ToString("N")[..6], SiloPort = FreePort(), GatewayPort = FreePort() };
        twoSilos = twoSilos with { PrimarySiloPort = twoSilos.SiloPort };
        var processes = new List<Process>();
        var (local2, cluster1, cluster2) = (new List<double>(), new List<double>(), new List<double>());
        using (var silo = SiloHost.Build(oneSilo))
        {
            silo.StartAsync(cancel).GetAwaiter().GetResult();
            try
            {
                processes.Add(StartSilo(twoSilos, twoSilos.SiloPort, twoSilos.GatewayPort));
                processes.Add(StartSilo(twoSilos, FreePort(), FreePort()));
                using var one = Connect(oneSilo, cancel);
                using var two = Connect(twoSilos, cancel);
                var runs = 0;
                double InProcess() => Time(() => DissectionRun.Execute(loaded, data, [layer], settings, cancel: cancel));
                double OnCluster(DisposableConnection c) =>
                    Time(() => c.Value.DissectAsync($"bench-{Guid.NewGuid():N}-{runs++}", order, cancel: cancel).GetAwaiter().GetResult());
                for (var round = 0; round <= rounds; round++)   // round 0 warms every condition up, untimed
                {
                    var (a, b, c) = (InProcess(), OnCluster(one), OnCluster(two));
                    if (round == 0) continue;
                    local2.Add(a);
                    cluster1.Add(b);
                    cluster2.Add(c);
                    Console.Error.WriteLine($"round {round}: in-process {a:F2} s, 1 silo {b:F2} s, 2 silos {c:F2} s");
                }
            }
            finally
            {
                foreach (var p in processes) { try { p.Kill(); p.WaitForExit(10_000); } catch (InvalidOperationException) { } p.Dispose(); }
                silo.StopAsync().GetAwaiter().GetResult();
            }
        }
        torch.set_num_threads(2);

        var (l, c1, c2) = (Percentiles.Median(local2), Percentiles.Median(cluster1), Percentiles.Median(cluster2));
        Console.WriteLine($"{"condition",-30} {"median s",9}  runs");
        Console.WriteLine($"{"in-process, 2 threads",-30} {l,9:F2}  {string.Join(" ", local2.Select(x => x.ToString("F2")))}");
        Console.WriteLine($"{"1-silo cluster, 2 threads",-30} {c1,9:F2}  {string.Join(" ", cluster1.Select(x => x.ToString("F2")))}");
        Console.WriteLine($"{"2 silo processes x 1 thread",-30} {c2,9:F2}  {string.Join(" ", cluster2.Select(x => x.ToString("F2")))}");
        Console.WriteLine($"per round: 1 silo / in-process {string.Join(" ", cluster1.Zip(local2, (b, a) => (b / a).ToString("F3")))}; " +
                          $"2 silos / in-process {string.Join(" ", cluster2.Zip(local2, (b, a) => (b / a).ToString("F3")))}");
        Console.WriteLine($"1-silo cluster / in-process: {c1 / l:F3}x (overhead {100 * (c1 / l - 1):F1} %, target <= 10 %)");
        Console.WriteLine($"2 silos x 1 thread / 1 process x 2 threads: {c2 / l:F3}x");

        // 3. Merge cost per shard, on the same passes in this process.
        Console.WriteLine($"{"shards",6} {"pass-1 KB/shard",16} {"pass-2 KB/shard",16} {"window passes",14} {"merge ms/shard",15}");
        foreach (var n in new[] { 2, 4, 8 }.Where(n => n <= (images + settings.BatchSize - 1) / settings.BatchSize))
        {
            var ranges = ShardRange.Split(images, settings.BatchSize, n);
            var traffic = Repeat(rounds, () =>
            {
                using var local = new InProcessShards(ranges, r => DissectionRun.OpenShard(loaded, data, [layer], settings, r));
                return ShardedDissection.RunAsync(DissectionRun.ShardScope(data, settings), [layer], local, cancel: cancel).GetAwaiter().GetResult().Traffic;
            });
            var t = traffic[0];
            var ms = Percentiles.Median(traffic.Select(x => x.MergeTime.TotalMilliseconds / ranges.Count).ToList());
            Console.WriteLine($"{ranges.Count,6} {t.Pass1Bytes / 1024.0 / ranges.Count,16:F1} {t.Pass2Bytes / 1024.0 / ranges.Count,16:F1} {t.WindowPasses,14} {ms,15:F2}");
        }
        Console.WriteLine($"load after: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    private static DisposableConnection Connect(ClusterSettings settings, CancellationToken cancel) =>
        new(ClusterConnection.ConnectAsync(settings with { ConnectTimeout = TimeSpan.FromSeconds(60) }, cancel).GetAwaiter().GetResult());

    /// <summary>One untimed warm-up, then the timed rounds.</summary>
    private static T[] Repeat<T>(int rounds, Func<T> run)
    {
        run();
        return Enumerable.Range(0, rounds).Select(_ => run()).ToArray();
    }

    private static double Time(Action run)
    {
        var clock = Stopwatch.StartNew();
        run();
        return clock.Elapsed.TotalSeconds;
    }

    private static Process StartSilo(ClusterSettings s, int siloPort, int gatewayPort)
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath!, ["silo", "--cluster-id", s.ClusterId, "--silo-port", $"{siloPort}",
            "--gateway-port", $"{gatewayPort}", "--primary-port", $"{s.PrimarySiloPort}", "--threads", "1"])
            { RedirectStandardOutput = true, RedirectStandardError = true };
        var p = Process.Start(psi) ?? throw new InvalidOperationException("dissect silo did not start");
        p.ErrorDataReceived += (_, _) => { };
        p.BeginErrorReadLine();
        while (p.StandardOutput.ReadLine() is { } line)
            if (line.StartsWith("silo ", StringComparison.Ordinal)) return p;
        throw new InvalidOperationException("a silo process exited before it was ready");
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private sealed class DisposableConnection(ClusterConnection value) : IDisposable
    {
        public ClusterConnection Value => value;
        public void Dispose() => value.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Shards run one after another in this process: the coordinator's merge, without a transport.</summary>
    private sealed class InProcessShards(IReadOnlyList<ShardRange> ranges, Func<ShardRange, DissectionShard> open) : IDissectionShards, IDisposable
    {
        private readonly Dictionary<int, DissectionShard> _open = [];
        private readonly SemaphoreSlim _one = new(1, 1);
        public IReadOnlyList<ShardRange> Ranges => ranges;
        public Task<byte[]> Pass1Async(int shard, CancellationToken cancel) => Call(shard, s => s.Pass1(null, cancel));
        public Task<byte[]> CountWindowsAsync(int shard, byte[] windows, CancellationToken cancel) => Call(shard, s => s.CountWindows(windows, cancel));
        public Task<byte[]> Pass2Async(int shard, byte[] plan, CancellationToken cancel) => Call(shard, s => s.Pass2(plan, null, cancel));

        private async Task<byte[]> Call(int shard, Func<DissectionShard, byte[]> work)
        {
            await _one.WaitAsync();
            try
            {
                if (!_open.TryGetValue(shard, out var s)) _open[shard] = s = open(ranges[shard]);
                return await Task.Run(() => work(s));
            }
            finally { _one.Release(); }
        }

        public void Dispose()
        {
            foreach (var s in _open.Values) s.Dispose();
            _one.Dispose();
        }
    }
}
