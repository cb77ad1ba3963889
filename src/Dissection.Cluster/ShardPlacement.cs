// Where a worker activates: shard i of a job on the i-th live silo (round the sorted live silos), so that a job's
// shards spread over the cluster at once. Orleans' own strategies place by load statistics published every few
// seconds, so a burst of new workers lands on one silo; random placement leaves silos idle by chance. A shard whose
// silo died lands on a live one, as the compatible silos are the live ones.
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Dissection.Cluster;

[GenerateSerializer, Immutable, Alias("dissection.shard-placement")]
public sealed class ShardPlacement : PlacementStrategy
{
    internal static readonly ShardPlacement Instance = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ShardPlacementAttribute() : PlacementAttribute(ShardPlacement.Instance);

internal sealed class ShardPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target).OrderBy(s => s.ToParsableString(), StringComparer.Ordinal).ToArray();
        var key = target.GrainIdentity.Key.ToString() ?? "";
        var digits = key.Length - key.Reverse().TakeWhile(char.IsAsciiDigit).Count();
        var shard = digits < key.Length && int.TryParse(key[digits..], out var n) ? n : key.GetHashCode() & int.MaxValue;
        return Task.FromResult(silos[shard % silos.Length]);
    }
}
