// How a silo and a client are configured: clustering (localhost or Redis), grain storage (memory or Redis), the
// long response timeout a shard's pass needs, failure detection, the per-silo models and the engine-version check
// at join. SiloHost runs a silo (the `dissect silo` verb); ClusterConnection connects a client.
using System.Net;
using Dissection.Core.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Dissection.Cluster;

public static class ClusterHosting
{
    /// <summary>The grain storage of coordinators and the version gate.</summary>
    public const string Storage = "dissection";

    /// <summary>A shard's pass may run for minutes; a dead silo is noticed by failure detection, not by this timeout.</summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromHours(2);

    public static void ConfigureSilo(ISiloBuilder silo, ClusterSettings s)
    {
        if (s.Redis is { } redis)
        {
            silo.UseRedisClustering(redis);
            silo.ConfigureEndpoints(IPAddress.Loopback, s.SiloPort, s.GatewayPort);
            silo.AddRedisGrainStorage(Storage, o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
        }
        else
        {
            silo.UseLocalhostClustering(s.SiloPort, s.GatewayPort, new IPEndPoint(IPAddress.Loopback, s.PrimarySiloPort), s.ServiceId, s.ClusterId);
            silo.AddMemoryGrainStorage(Storage);
        }
        silo.Configure<ClusterOptions>(o => { o.ClusterId = s.ClusterId; o.ServiceId = s.ServiceId; });
        ConfigureCommon(silo, s);
    }

    /// <summary>Everything but clustering, cluster ids and storage (the TestingHost configures those itself).</summary>
    public static void ConfigureCommon(ISiloBuilder silo, ClusterSettings s)
    {
        silo.Configure<SiloMessagingOptions>(o => { o.ResponseTimeout = ResponseTimeout; o.SystemResponseTimeout = TimeSpan.FromSeconds(30); });
        if (s.FastFailureDetection)
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
            });
        silo.Services.AddPlacementDirector<ShardPlacement, ShardPlacementDirector>();
        silo.Services.TryAddSingleton(ModelLoaders.Default);
        silo.Services.AddSingleton<SiloModels>();
        TorchSharp.torch.set_num_threads(Math.Max(1, s.Threads));
        silo.AddStartupTask(async (services, _) =>
        {
            var models = services.GetRequiredService<SiloModels>();
            var refusal = await services.GetRequiredService<IGrainFactory>().GetGrain<IEngineVersionGrain>(0).Join(models.Silo, s.EngineVersion);
            if (refusal is not null) throw new InvalidOperationException(refusal);
        });
    }

    public static void ConfigureClient(IClientBuilder client, ClusterSettings s)
    {
        if (s.Redis is { } redis) client.UseRedisClustering(redis);
        else client.UseLocalhostClustering(s.GatewayPort, s.ServiceId, s.ClusterId);
        client.Configure<ClusterOptions>(o => { o.ClusterId = s.ClusterId; o.ServiceId = s.ServiceId; });
        client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout);
    }
}
