// One circuit's GAN paint state (a scoped service, so two browsers never share it): the stroke history for undo/redo,
// and Core's PaintSession on the current generator, which keeps the layer's features and the strokes' composition so
// that each edit runs only the generator's tail.
using Dissection.Core.Gan;

namespace Dissection.Dashboard.Services;

public sealed class GanPlaygroundSession : IDisposable
{
    // History of stroke lists with a cursor: undo/redo move it, an edit or reset cuts the redo tail and appends.
    private readonly List<IReadOnlyList<PaintStroke>> _history = [[]];
    private int _cursor;
    private readonly Lock _lock = new();
    private PaintSession? _paint;
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
    public Task<PaintPictures> RenderAsync(GanModel model, long seed, string layer, CancellationToken ct = default)
    {
        var strokes = Strokes;
        PaintSession paint;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_paint?.Generator != model.Shared)
            {
                _paint?.Dispose();
                _paint = new PaintSession(model.Shared);
            }
            paint = _paint;
        }
        return paint.RenderAsync(seed, layer, strokes, ct);
    }

    private void Push(IReadOnlyList<PaintStroke> strokes)
    {
        _history.RemoveRange(_cursor + 1, _history.Count - _cursor - 1);
        _history.Add(strokes);
        _cursor = _history.Count - 1;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _paint?.Dispose();
            _paint = null;
        }
    }
}
