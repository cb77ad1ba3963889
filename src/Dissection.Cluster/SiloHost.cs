// One silo process (`dissect silo`): the Orleans host with this project's grains, configured by ClusterSettings.
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dissection.Cluster;

public static class SiloHost
{
    public static IHost Build(ClusterSettings settings, LogLevel logLevel = LogLevel.Warning) =>
        Host.CreateDefaultBuilder()
            .ConfigureLogging(l => l.SetMinimumLevel(logLevel))
            .UseOrleans(silo => ClusterHosting.ConfigureSilo(silo, settings))
            .Build();
}
