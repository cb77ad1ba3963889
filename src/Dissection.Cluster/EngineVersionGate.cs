// Mismatched engine versions are refused at join: the first silo to join records its engine version in this grain
// (persisted); a silo whose version differs fails its start-up with a message naming both, before it takes any work,
// since shards from two engines could not be merged bit-identically.
namespace Dissection.Cluster;

[Alias("dissection.engine-version")]
public interface IEngineVersionGrain : IGrainWithIntegerKey
{
    /// <summary>Null when the silo may join, else why not.</summary>
    [Alias("join")] Task<string?> Join(string silo, string version);
}

[GenerateSerializer, Alias("dissection.engine-version-state")]
public sealed class EngineVersionState
{
    [Id(0)] public string? Version { get; set; }
    [Id(1)] public string? FirstSilo { get; set; }
}

internal sealed class EngineVersionGrain(
    [PersistentState("engine", ClusterHosting.Storage)] IPersistentState<EngineVersionState> state) : Grain, IEngineVersionGrain
{
    public async Task<string?> Join(string silo, string version)
    {
        if (state.State.Version is null)
        {
            state.State.Version = version;
            state.State.FirstSilo = silo;
            await state.WriteStateAsync();
            return null;
        }
        return state.State.Version == version ? null
            : $"silo {silo} runs engine version '{version}', but the cluster runs '{state.State.Version}' (first joined by {state.State.FirstSilo}); " +
              "deploy the same build to every silo";
    }
}
