// The one door to the SQLite results store: a short-lived connection per call, so concurrent circuits,
// image requests and the job host never share a connection across threads.
using Dissection.Core.Storage;

namespace Dissection.Dashboard.Services;

public sealed class StoreAccess(RepoPaths paths)
{
    private int _created;

    public string DatabasePath => paths.Database;

    public T Read<T>(Func<ResultsStore, T> read)
    {
        using var store = Open();
        return read(store);
    }

    public void Write(Action<ResultsStore> write)
    {
        using var store = Open();
        write(store);
    }

    public Task<T> ReadAsync<T>(Func<ResultsStore, T> read) => Task.Run(() => Read(read));

    private ResultsStore Open()
    {
        if (Interlocked.Exchange(ref _created, 1) == 0)
            Directory.CreateDirectory(Path.GetDirectoryName(paths.Database)!);
        return ResultsStore.Open(paths.Database);
    }
}
