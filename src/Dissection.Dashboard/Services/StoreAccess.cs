// The one door to the SQLite results store. One ResultsStore is opened (pragmas and schema check) the first time it is
// needed and shared: every call on it still takes its own pooled connection, so concurrent circuits, image requests
// and the job host never share a connection across threads. Reads go through Read, writes through Write.
using Dissection.Core.Storage;

namespace Dissection.Dashboard.Services;

public sealed class StoreAccess(RepoPaths paths) : IDisposable
{
    private readonly Lock _opening = new();
    private volatile ResultsStore? _store;

    public string DatabasePath => paths.Database;

    public T Read<T>(Func<ResultsStore, T> read) => read(Store());

    public Task<T> ReadAsync<T>(Func<ResultsStore, T> read) => Task.Run(() => Read(read));

    public void Write(Action<ResultsStore> write) => write(Store());

    /// <summary>A write that returns what it made (a new run's id, a short link's id).</summary>
    public T Write<T>(Func<ResultsStore, T> write) => write(Store());

    /// <summary>The shared store, opened on first use. A failed open (a corrupt or too new file) is not kept: the
    /// next call tries again and reports the problem again.</summary>
    private ResultsStore Store()
    {
        if (_store is { } open) return open;
        lock (_opening)
        {
            if (_store is { } raced) return raced;
            Directory.CreateDirectory(Path.GetDirectoryName(paths.Database)!);
            return _store = ResultsStore.Open(paths.Database);
        }
    }

    public void Dispose() => _store?.Dispose();
}
