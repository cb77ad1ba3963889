// A disk cache of one run's raw activations (fp16, one plain binary file per layer, one row per image in processing
// order), so that the model runs once and later passes replay the maps from disk. Peak memory does not grow with
// the dataset: rows are written and read a batch at a time. The folder is deleted on Dispose, which callers put in a
// finally/using so that cancellation and failure leave nothing behind.
using System.Runtime.InteropServices;
using Dissection.Core.Work;

namespace Dissection.Core.Tallies;

internal sealed class ActivationCache : IDisposable
{
    private readonly Dictionary<string, (FileStream Stream, long[] RowShape)> _writers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileStream> _maxWriters = new(StringComparer.Ordinal);

    public ActivationCache(string? root = null)
    {
        Folder = Path.Combine(root ?? Path.GetTempPath(), Work.ScratchFolders.NewName());
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }
    public long Rows { get; private set; }

    /// <summary>Starts appending a batch of one layer (fp16 bits, row-major (B, rowShape...)) on a background thread,
    /// so that the disk write overlaps the next forward pass. The first <paramref name="length"/> values of
    /// <paramref name="rows"/> must stay unchanged until the NEXT Append of this layer returns (or Complete): callers
    /// alternate two buffers per layer.</summary>
    public void Append(string layer, ushort[] rows, int length, long[] rowShape, float[] rowMax)
    {
        if (!_writers.TryGetValue(layer, out var w))
        {
            var path = Path.Combine(Folder, $"layer{_files.Count}.f16");
            _files[layer] = path;
            w = (new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20), rowShape.ToArray());
            _writers[layer] = w;
            _maxWriters[layer] = new FileStream(path + ".max", FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        }
        _maxWriters[layer].Write(MemoryMarshal.AsBytes(rowMax.AsSpan()));
        if (!rowShape.SequenceEqual(w.RowShape))
            throw new InvalidOperationException($"layer {layer}: activation shape changed from [{string.Join(",", w.RowShape)}] to [{string.Join(",", rowShape)}]");
        Wait(layer);
        var stream = w.Stream;
        _pending[layer] = Task.Run(() => stream.Write(MemoryMarshal.AsBytes(rows.AsSpan(0, length))));
    }

    /// <summary>Waits for the layer's write in flight; rethrows its failure (a full disk, say).</summary>
    private void Wait(string layer)
    {
        if (_pending.Remove(layer, out var task)) task.GetAwaiter().GetResult();
    }

    /// <summary>Marks the end of writing; call once after pass 1 with the number of rows written per layer.</summary>
    public void Complete(long rows)
    {
        foreach (var layer in _pending.Keys.ToList()) Wait(layer);
        foreach (var (s, _) in _writers.Values) s.Dispose();
        foreach (var s in _maxWriters.Values) s.Dispose();
        Rows = rows;
    }

    public long[] RowShape(string layer) => _writers[layer].RowShape;

    /// <summary>Replays one layer in the given chunks of rows (normally pass 1's batches): (firstRow, fp16 bits of
    /// those rows, each row's per-unit maximum as appended). The arrays are reused by the next chunk, so read them
    /// before moving on. The bits are read into <paramref name="buffer"/> when it is large enough (the pipeline passes
    /// its pass-1 buffer, idle by then, rather than allocating another large array per pass).</summary>
    public IEnumerable<(long First, ushort[] Rows, float[] RowMax)> Read(string layer, IReadOnlyList<int> chunks, ushort[]? buffer = null)
    {
        var shape = RowShape(layer);
        var rowSize = shape.Aggregate(1L, (a, b) => a * b);
        using var stream = new FileStream(_files[layer], FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        using var maxStream = new FileStream(_files[layer] + ".max", FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        long first = 0;
        buffer ??= [];
        var max = Array.Empty<float>();
        foreach (var n in chunks)
        {
            if (buffer.Length < n * rowSize) buffer = new ushort[chunks.Max() * rowSize];
            if (max.Length != n * shape[0]) max = new float[n * shape[0]];
            stream.ReadExactly(MemoryMarshal.AsBytes(buffer.AsSpan(0, (int)(n * rowSize))));
            maxStream.ReadExactly(MemoryMarshal.AsBytes(max.AsSpan()));
            yield return (first, buffer, max);
            first += n;
        }
        if (first != Rows) throw new InvalidOperationException($"cache of {layer} has {Rows} rows, chunks cover {first}");
    }

    public void Dispose()
    {
        // Let writes in flight finish (their errors no longer matter) before the streams and files go.
        foreach (var task in _pending.Values) try { task.Wait(); } catch (AggregateException) { }
        _pending.Clear();
        foreach (var (s, _) in _writers.Values) s.Dispose();
        foreach (var s in _maxWriters.Values) s.Dispose();
        try { if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
