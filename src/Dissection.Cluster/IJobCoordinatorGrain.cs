// The coordinator of one cluster job (key: the job id): splits the work into shards, hands them to worker grains,
// merges their tallies (Core's ShardedDissection / ShardedUnitSets) and returns the results as job JSON. Its state
// (the order, status, phase, shard states, error) is persisted in grain storage, so a client reconnecting after the
// coordinator's silo died reads where the job stood; running it again starts it over on a live silo.
using Orleans.Concurrency;

namespace Dissection.Cluster;

[Alias("dissection.job-coordinator")]
public interface IJobCoordinatorGrain : IGrainWithStringKey
{
    /// <summary>Runs the job to the end; the results as JSON (a list of LayerResult, or an AblationResult).</summary>
    [Alias("run")] Task<string> Run(WorkOrder order);
    [Alias("progress"), AlwaysInterleave] Task<ClusterProgress> Progress();
    [Alias("cancel"), AlwaysInterleave] Task Cancel();
}

[GenerateSerializer, Alias("dissection.coordinator-state")]
public sealed class CoordinatorState
{
    [Id(0)] public WorkOrder? Order { get; set; }
    [Id(1)] public string Status { get; set; } = "new";
    [Id(2)] public string Phase { get; set; } = "";
    [Id(3)] public List<ShardStatus> Shards { get; set; } = [];
    [Id(4)] public string? Error { get; set; }
    [Id(5)] public int Runs { get; set; }
}
