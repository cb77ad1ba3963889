// One painter's view of a shared generator (the GAN paint playground keeps one per browser circuit): the layer's
// features for the current (seed, layer), computed once (the cached head), and the composition of the strokes drawn
// so far, so that an added stroke composes only itself and each render runs only the generator's tail. Returns PNGs.
using System.Diagnostics;
using Dissection.Core.Instrumentation;
using SixLabors.ImageSharp;
using static TorchSharp.torch;

namespace Dissection.Core.Gan;

/// <summary>The two pictures a paint view shows, as PNG bytes, and how long the edit took.</summary>
public sealed record PaintPictures(byte[] Original, byte[] Edited, double EditMilliseconds, bool HeadWasCached);

public sealed class PaintSession(SharedGenerator generator) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (long Seed, string Layer)? _key;
    private Tensor? _head;
    private byte[]? _original;
    // The strokes whose composition (α, premultiplied target) is kept: a render whose strokes extend them composes
    // only the new ones.
    private IReadOnlyList<PaintStroke> _composedFor = [];
    private (Tensor Alpha, Tensor Premultiplied)? _composed;
    private bool _disposed;

    public SharedGenerator Generator => generator;

    /// <summary>Latent for a seed: row 0 of ZDataset.FromSeed(Z, seed), so a seed means the same image everywhere.</summary>
    public static Tensor Latent(int zDim, long seed)
    {
        using var z = ZDataset.FromSeed(zDim, seed, 1);
        return z.Batch(0, 1);
    }

    /// <summary>Original and edited image of the seed with the strokes applied at the layer. The layer's features are
    /// computed once per (seed, layer) and kept, so later calls only compose the new strokes and run the tail.</summary>
    /// <exception cref="ArgumentException">not an editable layer, or a stroke that does not fit the layer.</exception>
    public async Task<PaintPictures> RenderAsync(long seed, string layer, IReadOnlyList<PaintStroke> strokes, CancellationToken ct = default)
    {
        generator.CheckLayer(layer);
        await _gate.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var cut = await generator.CutAsync(layer, ct);
            var cached = _head is not null && _key == (seed, layer);
            if (!cached)
            {
                Drop();
                _head = await generator.RunAsync(() =>
                {
                    using var z = Latent(generator.Layout.ZDim, seed);
                    return cut.Head(z).DetachFromDisposeScope();
                }, ct);
                _key = (seed, layer);
            }
            var head = _head!;
            _original ??= Png(await generator.RunAsync(() => cut.Tail(head).DetachFromDisposeScope(), ct));
            var watch = Stopwatch.StartNew();
            byte[] edited;
            if (strokes.Count == 0) edited = _original;
            else
            {
                // Composing and blending touch no module: only the tail waits for the generator.
                using var features = Edit(head, layer, strokes);
                edited = Png(await generator.RunAsync(() => cut.Tail(features).DetachFromDisposeScope(), ct));
            }
            return new PaintPictures(_original, edited, watch.Elapsed.TotalMilliseconds, cached);
        }
        finally
        {
            if (_disposed) Drop();
            _gate.Release();
        }
    }

    /// <summary>The head's features with the strokes blended in, reusing the composition of a prefix of them. Every
    /// tensor kept or returned is detached: this runs on whichever pool thread the await resumed on, and must not
    /// hand its tensors to a dispose scope that thread may hold.</summary>
    private Tensor Edit(Tensor head, string layer, IReadOnlyList<PaintStroke> strokes)
    {
        var reuse = _composed is not null && _composedFor.Count <= strokes.Count
                    && _composedFor.Select((s, i) => ReferenceEquals(s, strokes[i])).All(same => same);
        var start = reuse ? _composedFor.Count : 0;
        using var scope = NewDisposeScope();
        var edits = strokes.Skip(start).Select(s => s.ToEdit(layer)).ToList();
        var composed = UnitEdit.Compose(head.shape, head.device, edits, reuse ? _composed : null);
        ForgetComposition();
        _composed = (composed.Alpha.DetachFromDisposeScope(), composed.Premultiplied.DetachFromDisposeScope());
        _composedFor = strokes;
        return UnitEdit.Blend(head, composed.Alpha.unsqueeze(0), composed.Premultiplied.unsqueeze(0)).DetachFromDisposeScope();
    }

    /// <summary>The first image of a generator output (N,3,R,R) as PNG bytes; disposes the output.</summary>
    private static byte[] Png(Tensor output)
    {
        using (output)
        using (var first = output[0])
        using (var image = GeneratedImages.ToImage(first))
        using (var stream = new MemoryStream())
        {
            image.SaveAsPng(stream);
            return stream.ToArray();
        }
    }

    private void ForgetComposition()
    {
        if (_composed is { } c)
        {
            c.Alpha.Dispose();
            c.Premultiplied.Dispose();
        }
        _composed = null;
        _composedFor = [];
    }

    private void Drop()
    {
        _head?.Dispose();
        _head = null;
        _key = null;
        _original = null;
        ForgetComposition();
    }

    public void Dispose()
    {
        // Never block the caller's teardown: a render in flight drops the features itself when it ends.
        _disposed = true;
        if (!_gate.Wait(0)) return;
        try { Drop(); }
        finally { _gate.Release(); }
    }
}
