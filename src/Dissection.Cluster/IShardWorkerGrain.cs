// A worker: one shard of one job (key "JOB/SHARD"), on whichever silo Orleans placed it. It keeps the shard's state
// (pass 1's tallies and activation cache) between calls; the model it runs is the silo's (SiloModels), loaded once
// per silo. If its silo dies, the next call activates the worker on another silo, which rebuilds the shard from the
// call's order and range (Core's DissectionShard re-runs pass 1 when it has none).
namespace Dissection.Cluster;

[Alias("dissection.shard-worker")]
public interface IShardWorkerGrain : IGrainWithStringKey
{
    [Alias("pass1")] Task<ShardReply> Pass1(WorkOrder order, int first, int count);
    [Alias("windows")] Task<ShardReply> CountWindows(WorkOrder order, int first, int count, byte[] windows);
    [Alias("pass2")] Task<ShardReply> Pass2(WorkOrder order, int first, int count, byte[] plan);
    /// <summary>A chunk of unit sets of an ablation (Core's AblationShard request and reply).</summary>
    [Alias("ablate")] Task<ShardReply> Ablate(WorkOrder order, byte[] request);
}
