// One circuit's GAN paint state (a scoped service, so two browsers never share it): the stroke history for undo/redo
// and the cached features of the current (model, seed, layer), so that each edit runs only the generator's tail.
using System.Diagnostics;
using Dissection.Dashboard.Gan;
using static TorchSharp.torch;

namespace Dissection.Dashboard.Services;

/// <summary>The two pictures the page shows, as PNG bytes, and how long the edit took.</summary>
public sealed record GanPictures(byte[] Original, byte[] Edited, double EditMilliseconds, bool HeadWasCached);

public sealed class GanPlaygroundSession(GanPlaygroundService service) : IDisposable
{
    // History of stroke lists with a cursor: undo/redo move it, an edit or reset cuts the redo tail and appends.
    private readonly List<IReadOnlyList<PaintStroke>> _history = [[]];
    private int _cursor;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Path, DateTime Written, long Seed, string Layer)? _headKey;
    private Tensor? _head;
    private byte[]? _original;
    private bool _disposed;

    public IReadOnlyList<PaintStroke> Strokes => _history[_cursor];
    public bool CanUndo => _cursor > 0;
    public bool CanRedo => _cursor < _history.Count - 1;

    /// <summary>Starts a fresh history at these strokes (a permalink, or a new seed/layer).</summary>
    public void Load(IReadOnlyList<PaintStroke> strokes)
    {
        _history.Clear();
        _history.Add(strokes.ToList());
        _cursor = 0;
    }

    public void Add(PaintStroke stroke) => Push([.. Strokes, stroke]);

    /// <summary>No strokes; undoable, like any other edit.</summary>
    public void Reset()
    {
        if (Strokes.Count > 0) Push([]);
    }

    public bool Undo()
    {
        if (!CanUndo) return false;
        _cursor--;
        return true;
    }

    public bool Redo()
    {
        if (!CanRedo) return false;
        _cursor++;
        return true;
    }

    /// <summary>Original and edited image for the current strokes. The layer's features are computed once per
    /// (model, seed, layer) and kept, so later calls only run the tail.</summary>
    public async Task<GanPictures> RenderAsync(GanModel model, long seed, string layer, CancellationToken ct = default)
    {
        var strokes = Strokes;
        await _gate.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var key = (model.Path, model.WrittenUtc, seed, layer);
            var cached = _head is not null && _headKey == key;
            if (!cached)
            {
                DropHead();
                _original = null;
                _head = await service.HeadAsync(model, seed, layer, ct);
                _headKey = key;
            }
            if (_original is null)
            {
                using var plain = await service.TailAsync(model, _head!, layer, [], ct);
                _original = GanPlaygroundService.Png(plain);
            }
            var watch = Stopwatch.StartNew();
            byte[] edited;
            if (strokes.Count == 0) edited = _original;
            else
            {
                using var image = await service.TailAsync(model, _head!, layer, strokes, ct);
                edited = GanPlaygroundService.Png(image);
            }
            return new GanPictures(_original, edited, watch.Elapsed.TotalMilliseconds, cached);
        }
        finally
        {
            if (_disposed) DropHead();
            _gate.Release();
        }
    }

    private void Push(IReadOnlyList<PaintStroke> strokes)
    {
        _history.RemoveRange(_cursor + 1, _history.Count - _cursor - 1);
        _history.Add(strokes);
        _cursor = _history.Count - 1;
    }

    private void DropHead()
    {
        _head?.Dispose();
        _head = null;
        _headKey = null;
    }

    public void Dispose()
    {
        // Never block the circuit's teardown: a render in flight drops the features itself when it ends.
        _disposed = true;
        if (!_gate.Wait(0)) return;
        try { DropHead(); }
        finally { _gate.Release(); }
    }
}
