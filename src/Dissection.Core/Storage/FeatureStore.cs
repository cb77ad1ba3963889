// What every per-feature store (RunStore, LayerStore, AblationStore, AttackStore, GanStore, LinkStore, JobStore) shares:
// the one results database it reads and writes through. A feature store holds no state of its own, so the one
// ResultsStore a process opens serves every feature.
using Microsoft.Data.Sqlite;

namespace Dissection.Core.Storage;

public abstract class FeatureStore
{
    private readonly ResultsStore _store;

    private protected FeatureStore(ResultsStore store) => _store = store;

    /// <summary>The whole store, for a feature whose write spans another's tables.</summary>
    private protected ResultsStore Store => _store;

    /// <summary>A fresh pooled connection to the store's file.</summary>
    private protected SqliteConnection Connect() => _store.Connect();
}
