// One silo process (`dissect silo`): the Orleans host with this project's grains, configured by ClusterSettings.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dissection.Cluster;

public static class SiloHost
{
    public static IHost Build(ClusterSettings settings, LogLevel logLevel = LogLevel.Warning) =>
        Host.CreateDefaultBuilder()
            // Logs on stderr: stdout carries the silo's one "ready" line.
            .ConfigureLogging(l => l.SetMinimumLevel(logLevel).ClearProviders().AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace))
            .UseOrleans(silo => ClusterHosting.ConfigureSilo(silo, settings))
            .Build();

    /// <summary>The silo's address, as shard states and throughput name it.</summary>
    public static string Address(IHost host) => host.Services.GetRequiredService<SiloModels>().Silo;
}
