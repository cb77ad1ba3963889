// Losing a silo mid-job on Orleans' TestingHost: a silo that has finished shards (so its workers hold pass-1 state
// that pass 2 needs) is stopped, or killed, while the job runs; its shards move to live silos, which re-run their
// pass 1 before pass 2, and the results still equal the single-process run exactly. The model pauses before each
// batch (TestWorld.RegisterSlow) so that the job outlasts failure detection.
using Dissection.Core.Tests.Sharding;
using Orleans.TestingHost;

namespace Dissection.Cluster.Tests;

public sealed class SiloLossTests(SiloLossTests.SlowSilos c) : IClassFixture<SiloLossTests.SlowSilos>
{
    /// <summary>Three silos whose "cluster-test-slow" model pauses 400 ms before each batch.</summary>
    public sealed class SlowSilos : ThreeSilos
    {
        public SlowSilos() => TestWorld.RegisterSlow(TimeSpan.FromMilliseconds(400));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Losing_a_silo_mid_dissection_still_gives_the_single_process_results(bool kill)
    {
        while (c.Host.GetActiveSilos().Count() < 3) await c.Host.StartAdditionalSiloAsync();
        var order = c.World.DissectOrder(shards: 6) with { Model = TestWorld.SlowArch };
        var job = c.Host.Client.GetGrain<IJobCoordinatorGrain>($"loss-{kill}-{Guid.NewGuid():N}");
        var run = job.Run(order);

        // A secondary silo, not the coordinator's, that has finished a shard: its workers hold state pass 2 needs.
        SiloHandle? victim = null;
        ClusterProgress? last = null;
        for (var waited = 0; victim is null && waited < 600 && !run.IsCompleted; waited++)
        {
            var p = last = await job.Progress();
            var busy = p.Shards.Where(s => s.State == "done").Select(s => s.Silo).ToHashSet();
            victim = c.Host.SecondarySilos.FirstOrDefault(h => h.SiloAddress.ToParsableString() is var a && a != p.Coordinator && busy.Contains(a));
            if (victim is null) await Task.Delay(50);
        }
        Assert.True(victim is not null, $"no silo to lose: completed {run.IsCompleted}, coordinator {last?.Coordinator}, secondaries " +
            string.Join(",", c.Host.SecondarySilos.Select(h => h.SiloAddress.ToParsableString())) + ", shards " +
            string.Join("; ", last?.Shards.Select(s => $"{s.Shard} {s.State} {s.Silo}") ?? []));
        Assert.False(run.IsCompleted, "the job ended before a silo could be lost; lengthen the pause");
        if (kill) await c.Host.KillSiloAsync(victim);
        else await c.Host.StopSiloAsync(victim);

        var json = await run;
        var expected = c.World.SingleDissection();
        ExactResults.Equal(expected, Json.Layers(json));
        // Every shard's last call (its pass 2) ran on a live silo, including those whose pass 1 the lost silo had done.
        var progress = await job.Progress();
        Assert.All(progress.Shards, s => Assert.NotEqual(victim.SiloAddress.ToParsableString(), s.Silo));
    }
}
