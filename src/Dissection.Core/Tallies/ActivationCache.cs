// A disk cache of one run's raw activations (fp16, one plain binary file per layer, one row per image in processing
// order), so that the model runs once and later passes replay the maps from disk. Peak memory does not grow with
// the dataset: rows are written and read a batch at a time. The folder is deleted on Dispose, which callers put in a
// finally/using so that cancellation and failure leave nothing behind.
using TorchSharp;
using static TorchSharp.torch;

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

    /// <summary>Appends a batch (B, U, h, w) of one layer; converted to fp16 on the CPU.</summary>
    public void Append(string layer, Tensor batch)
    {
        using var scope = NewDisposeScope();
        var half = batch.to(ScalarType.Float16, CPU).contiguous();
        if (!_writers.TryGetValue(layer, out var w))
        {
            var path = Path.Combine(Folder, $"layer{_files.Count}.f16");
            _files[layer] = path;
            w = (new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20), half.shape.Skip(1).ToArray());
            _writers[layer] = w;
        }
        if (!half.shape.Skip(1).SequenceEqual(w.RowShape))
            throw new InvalidOperationException($"layer {layer}: activation shape changed from [{string.Join(",", w.RowShape)}] to [{string.Join(",", half.shape.Skip(1))}]");
        half.WriteBytesToStream(w.Stream);
    }

    /// <summary>Marks the end of writing; call once after pass 1 with the number of rows written per layer.</summary>
    public void Complete(long rows)
    {
        foreach (var (s, _) in _writers.Values) s.Dispose();
        Rows = rows;
    }

    public long[] RowShape(string layer) => _writers[layer].RowShape;

    /// <summary>Replays one layer in the given chunks of rows (normally pass 1's batches, so that every later
    /// computation sees tensors of exactly the same shapes and gives bit-identical results): (firstRow, (n, U, h, w)
    /// fp16 tensor). The tensor is disposed when the enumeration moves on.</summary>
    public IEnumerable<(long First, Tensor Rows)> Read(string layer, IReadOnlyList<int> chunks)
    {
        var shape = RowShape(layer);
        using var stream = new FileStream(_files[layer], FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        long first = 0;
        foreach (var n in chunks)
        {
            var t = empty([n, .. shape], ScalarType.Float16);
            try
            {
                t.ReadBytesFromStream(stream);
                yield return (first, t);
            }
            finally { t.Dispose(); }
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
