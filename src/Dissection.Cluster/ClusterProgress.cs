// A cluster job's progress as the dashboard and the CLI show it: the phase, shards done of all, each shard's state
// (pending, running on silo S, done on silo S, moved after its silo failed), and each silo's throughput.
namespace Dissection.Cluster;

[GenerateSerializer, Immutable, Alias("dissection.shard-status")]
public sealed record ShardStatus([property: Id(0)] int Shard, [property: Id(1)] string State, [property: Id(2)] string? Silo,
    [property: Id(3)] int Attempts);

/// <param name="ImagesPerSecond">Images the silo's workers finished per second of their own work.</param>
[GenerateSerializer, Immutable, Alias("dissection.silo-throughput")]
public sealed record SiloThroughput([property: Id(0)] string Silo, [property: Id(1)] int Calls, [property: Id(2)] long Images,
    [property: Id(3)] double Seconds, [property: Id(4)] double ImagesPerSecond);

[GenerateSerializer, Immutable, Alias("dissection.cluster-progress")]
public sealed record ClusterProgress(
    [property: Id(0)] string Status,
    [property: Id(1)] string Phase,
    [property: Id(2)] long Done,
    [property: Id(3)] long Total,
    [property: Id(4)] IReadOnlyList<ShardStatus> Shards,
    [property: Id(5)] IReadOnlyList<SiloThroughput> Silos,
    [property: Id(6)] string? Error,
    /// <summary>The silo the coordinator runs on.</summary>
    [property: Id(7)] string? Coordinator = null);
