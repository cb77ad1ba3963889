// An Orleans TestingHost cluster of 3 in-process silos configured as `dissect silo` configures a real one (minus
// clustering, which the TestingHost does itself), with the test world's model loaders and fast failure detection.
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Dissection.Cluster.Tests;

public class ThreeSilos : IAsyncLifetime
{
    public TestWorld World { get; } = new();
    public TestCluster Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(3);
        builder.AddSiloBuilderConfigurator<SiloConfig>();
        Host = builder.Build();
        await Host.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Host.StopAllSilosAsync();
        await Host.DisposeAsync();
        World.Dispose();
    }

    public sealed class SiloConfig : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.Services.AddSingleton(TestWorld.Loaders);
            silo.AddMemoryGrainStorage(ClusterHosting.Storage);
            ClusterHosting.ConfigureCommon(silo, new ClusterSettings { FastFailureDetection = true, Threads = 1 });
        }
    }
}
