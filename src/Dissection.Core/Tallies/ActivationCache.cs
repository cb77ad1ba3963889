// A disk cache of one run's raw activations (fp16, one plain binary file per layer, one row per image in processing
// order), so that the model runs once and later passes replay the maps from disk. Peak memory does not grow with
// the dataset: rows are written and read a batch at a time. The folder is deleted on Dispose, which callers put in a
// finally/using so that cancellation and failure leave nothing behind.
using System.Runtime.InteropServices;

namespace Dissection.Core.Tallies;

internal sealed class ActivationCache : IDisposable
{
    private readonly Dictionary<string, (FileStream Stream, long[] RowShape)> _writers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _files = new(StringComparer.Ordinal);

    public ActivationCache(string? root = null)
    {
        Folder = Path.Combine(root ?? Path.GetTempPath(), $"dissect-cache-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }
    public long Rows { get; private set; }

    /// <summary>Appends a batch of one layer: fp16 bits, row-major (B, rowShape...).</summary>
    public void Append(string layer, ReadOnlySpan<ushort> rows, long[] rowShape)
    {
        if (!_writers.TryGetValue(layer, out var w))
        {
            var path = Path.Combine(Folder, $"layer{_files.Count}.f16");
            _files[layer] = path;
            w = (new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20), rowShape.ToArray());
            _writers[layer] = w;
        }
        if (!rowShape.SequenceEqual(w.RowShape))
            throw new InvalidOperationException($"layer {layer}: activation shape changed from [{string.Join(",", w.RowShape)}] to [{string.Join(",", rowShape)}]");
        w.Stream.Write(MemoryMarshal.AsBytes(rows));
    }

    /// <summary>Marks the end of writing; call once after pass 1 with the number of rows written per layer.</summary>
    public void Complete(long rows)
    {
        foreach (var (s, _) in _writers.Values) s.Dispose();
        Rows = rows;
    }

    public long[] RowShape(string layer) => _writers[layer].RowShape;

    /// <summary>Replays one layer in the given chunks of rows (normally pass 1's batches): (firstRow, fp16 bits of
    /// those rows). The array is reused by the next chunk, so read it before moving on.</summary>
    public IEnumerable<(long First, ushort[] Rows)> Read(string layer, IReadOnlyList<int> chunks)
    {
        var rowSize = RowShape(layer).Aggregate(1L, (a, b) => a * b);
        using var stream = new FileStream(_files[layer], FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        long first = 0;
        var buffer = Array.Empty<ushort>();
        foreach (var n in chunks)
        {
            if (buffer.Length != n * rowSize) buffer = new ushort[n * rowSize];
            stream.ReadExactly(MemoryMarshal.AsBytes(buffer.AsSpan()));
            yield return (first, buffer);
            first += n;
        }
        if (first != Rows) throw new InvalidOperationException($"cache of {layer} has {Rows} rows, chunks cover {first}");
    }

    public void Dispose()
    {
        foreach (var (s, _) in _writers.Values) s.Dispose();
        try { if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
