// Orleans' TestingHost with 3 in-process silos: a dissection, an ablation and a generator dissection submitted to the
// coordinator grain equal the single-process runs exactly; stopping or killing a silo that runs shards mid-job still
// gives exactly equal results (its shards move to live silos; nothing is counted twice); a silo of another engine
// version is refused at join; a model that does not load fails the job with that silo's message.
using Dissection.Core.Tests.Sharding;

namespace Dissection.Cluster.Tests;

public sealed class TestingHostTests(ThreeSilos c) : IClassFixture<ThreeSilos>
{
    private IJobCoordinatorGrain Job(string name) => c.Host.Client.GetGrain<IJobCoordinatorGrain>(name + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Dissection_on_three_silos_equals_the_single_process_run()
    {
        var job = Job("dissect");
        var json = await job.Run(c.World.DissectOrder(shards: 5));
        ExactResults.Equal(c.World.SingleDissection(), Json.Layers(json));
        var progress = await job.Progress();
        Assert.Equal("done", progress.Status);
        Assert.All(progress.Shards, s => Assert.Equal("done", s.State));
        Assert.True(progress.Silos.Count >= 2, $"shards ran on {progress.Silos.Count} silo(s); expected them spread");
        Assert.True(progress.Silos.Sum(s => s.Images) >= 2 * 30, "every image went through pass 1 and pass 2 on some silo");
    }

    [Fact]
    public async Task Ablation_on_three_silos_equals_the_single_process_run()
    {
        var json = await Job("ablate").Run(c.World.AblateOrder(shards: 3));
        ExactResults.Equal(c.World.SingleAblation(), Json.Ablation(json));
    }

    [Fact]
    public async Task Generator_dissection_on_three_silos_equals_the_single_process_run()
    {
        var json = await Job("gan").Run(c.World.GanOrder(shards: 3));
        ExactResults.Equal(c.World.SingleGeneratorDissection(), Json.Layers(json));
    }

    [Fact]
    public async Task A_model_that_cannot_load_fails_the_job_with_the_silos_message()
    {
        var order = c.World.DissectOrder(shards: 2) with { Model = "resnet18:/nowhere/missing.pth" };
        var e = await Assert.ThrowsAsync<ShardFailedException>(() => Job("bad").Run(order));
        Assert.Contains("silo ", e.Message);
        Assert.Contains("missing.pth", e.Message);
        Assert.DoesNotContain("   at ", e.Message);
    }

    [Fact]
    public async Task A_dataset_that_cannot_be_read_fails_the_job_with_the_silos_message()
    {
        var order = c.World.DissectOrder(shards: 2) with { Dataset = "/nowhere/broden" };
        var job = Job("nodata");
        var e = await Assert.ThrowsAsync<ShardFailedException>(() => job.Run(order));
        Assert.StartsWith("silo ", e.Message);
        Assert.Contains("/nowhere/broden", e.Message);
        var progress = await job.Progress();
        Assert.Equal(("failed", e.Message), (progress.Status, progress.Error));
    }

    [Fact]
    public async Task A_silo_of_another_engine_version_is_refused_at_join()
    {
        // The three silos joined with this build's version (their start-up would have failed otherwise).
        var gate = c.Host.Client.GetGrain<IEngineVersionGrain>(0);
        Assert.Null(await gate.Join("127.0.0.1:1@1", ClusterSettings.CurrentEngineVersion));
        var refusal = await gate.Join("127.0.0.1:2@2", "0.0.0+other; 00000000-0000-0000-0000-000000000000");
        Assert.NotNull(refusal);
        Assert.Contains("deploy the same build to every silo", refusal);
    }
}
