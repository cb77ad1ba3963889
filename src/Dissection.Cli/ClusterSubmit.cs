// The CLI's cluster: Cluster settings from the environment (Cluster__Redis=HOST:PORT, Cluster__GatewayPort=N,
// Cluster__ClusterId=ID; the dashboard reads the same section from appsettings.json). None: null, jobs run here.
// Unreachable: a usage error naming the problem, before anything is recorded.
using Dissection.Cluster;
using Microsoft.Extensions.Configuration;

namespace Dissection.Cli;

internal sealed class ClusterSubmit(ClusterConnection connection, ClusterJobs jobs) : IDisposable
{
    public ClusterJobs Jobs => jobs;

    public static ClusterSubmit? Connect(CancellationToken cancel)
    {
        if (ClusterSettings.From(new ConfigurationBuilder().AddEnvironmentVariables().Build()) is not { } settings) return null;
        try
        {
            var connection = ClusterConnection.ConnectAsync(settings, cancel).GetAwaiter().GetResult();
            Console.Error.WriteLine($"cluster {settings.ClusterId}: connected ({(settings.Redis is null ? "localhost" : "Redis")} clustering)");
            return new ClusterSubmit(connection, new ClusterJobs(connection, settings));
        }
        catch (ClusterUnreachableException e) { throw new UsageException(e.Message); }
    }

    public void Dispose() => connection.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
