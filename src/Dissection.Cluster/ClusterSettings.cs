// The "Cluster" settings section (appsettings.json, environment variables Cluster__Redis=..., or the silo verb's
// flags). Absent: no cluster, every job runs in its process as before. Redis set: Redis clustering (real
// deployments: every silo and client names the same Redis); unset: localhost clustering for development, one
// machine, the primary silo on PrimarySiloPort.
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Dissection.Cluster;

public sealed record ClusterSettings
{
    /// <summary>A StackExchange.Redis connection string ("host:6379"); null = localhost clustering.</summary>
    public string? Redis { get; init; }
    public string ClusterId { get; init; } = "dissection";
    public string ServiceId { get; init; } = "dissection";
    public int SiloPort { get; init; } = 11111;
    public int GatewayPort { get; init; } = 30000;
    /// <summary>Localhost clustering: the silo every other silo joins through.</summary>
    public int PrimarySiloPort { get; init; } = 11111;
    /// <summary>Torch threads per silo (its share of the machine).</summary>
    public int Threads { get; init; } = 1;
    /// <summary>Shards per job; 0 = 2 per silo at submit time.</summary>
    public int Shards { get; init; }
    /// <summary>How long a client waits for the cluster at submit before it gives up (nothing is queued then).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Fast failure detection (seconds, not the production default of about a minute): development and tests.</summary>
    public bool FastFailureDetection { get; init; }
    /// <summary>What this process claims at join; silos of another engine version are refused (EngineVersionGate).</summary>
    public string EngineVersion { get; init; } = CurrentEngineVersion;

    /// <summary>The "Cluster" section of a configuration (appsettings.json, Cluster__Redis=... in the environment), or
    /// null when there is none: then nothing changes, every job runs in its process.</summary>
    public static ClusterSettings? From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Cluster");
        return section.Exists() ? section.Get<ClusterSettings>() ?? new ClusterSettings() : null;
    }

    /// <summary>Core's informational version (its build) with its shard wire version.</summary>
    public static string CurrentEngineVersion { get; } =
        (typeof(Core.Dissection.DissectionShard).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown")
        + "; " + typeof(Core.Dissection.DissectionShard).Assembly.ManifestModule.ModuleVersionId;
}
