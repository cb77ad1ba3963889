// `dissect silo`: starts one silo of a dissection cluster (src/Dissection.Cluster) and serves until stopped. With
// --redis the silo joins the cluster that Redis lists (real deployments); without, localhost clustering on one machine
// (development: the first silo on --primary-port, the others join it). Prints "silo ADDRESS ready" once it serves.
using System.CommandLine;
using Dissection.Cluster;
using Microsoft.Extensions.Hosting;

namespace Dissection.Cli.Commands;

public sealed class SiloCommand : Verb
{
    private readonly Option<string> _redis = CliOptions.Text("--redis", "Redis connection string (host:port); omit for localhost clustering", "HOST:PORT");
    private readonly Option<string> _cluster = CliOptions.TextOr("--cluster-id", "the cluster's name (every silo and client gives the same)", "dissection", "ID");
    private readonly Option<int> _siloPort = CliOptions.Int("--silo-port", "port silos talk to each other on", 11111, min: 1, helpName: "PORT");
    private readonly Option<int> _gatewayPort = CliOptions.Int("--gateway-port", "port clients submit jobs on", 30000, min: 1, helpName: "PORT");
    private readonly Option<int> _primaryPort = CliOptions.Int("--primary-port", "localhost clustering: the silo port of the first silo", 11111, min: 1, helpName: "PORT");
    private readonly Option<int> _threads = CliOptions.Int("--threads", "torch threads of this silo", 1, min: 1, helpName: "T");
    private readonly Option<bool> _fast = CliOptions.Flag("--fast-failure", "declare a dead silo in seconds (development and tests; production waits about a minute)");

    public SiloCommand() : base("silo", "start a silo of a dissection cluster (Microsoft Orleans) and serve until stopped")
    {
        Add(_redis, _cluster, _siloPort, _gatewayPort, _primaryPort, _threads, _fast);
    }

    protected override int Run(ParseResult parse, CancellationToken cancel)
    {
        var settings = new ClusterSettings
        {
            Redis = parse.GetValue(_redis) is { Length: > 0 } r ? r : null,
            ClusterId = parse.GetValue(_cluster)!,
            SiloPort = parse.GetValue(_siloPort),
            GatewayPort = parse.GetValue(_gatewayPort),
            PrimarySiloPort = parse.GetValue(_primaryPort),
            Threads = parse.GetValue(_threads),
            FastFailureDetection = parse.GetValue(_fast),
        };
        using var host = SiloHost.Build(settings);
        try { host.StartAsync(cancel).GetAwaiter().GetResult(); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Console.Error.WriteLine($"dissect silo: the silo could not join: {e.Message}");
            return 1;
        }
        Console.WriteLine($"silo {SiloHost.Address(host)} ready (cluster {settings.ClusterId}, " +
                          $"{(settings.Redis is null ? "localhost clustering" : "Redis clustering")}, {settings.Threads} thread(s))");
        try { host.WaitForShutdownAsync(cancel).GetAwaiter().GetResult(); }
        catch (OperationCanceledException) { }
        host.StopAsync().GetAwaiter().GetResult();
        return 0;
    }
}
