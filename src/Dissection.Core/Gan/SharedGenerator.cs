// A loaded generator shared by every paint session: its editable layers, its instrumented model (one head/tail cut
// per layer, made once), and the gate that runs its forward passes one at a time (TorchSharp modules are not
// re-entrant, and on a few cores one pass at a time is also the fastest order).
using Dissection.Core.Models;
using Dissection.Core.Instrumentation;

namespace Dissection.Core.Gan;

/// <param name="name">What messages call the generator (its model name).</param>
/// <param name="priority">Background jobs of the same process give way while a pass runs (null: they do not).</param>
public sealed class SharedGenerator(string name, ProgressiveGenerator generator, Work.InteractivePriority? priority = null) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, LayerCut> _cuts = new(StringComparer.Ordinal);

    public string Name { get; } = name;
    public ProgressiveGenerator Generator { get; } = generator;
    public InstrumentedModel Instrumented { get; } = InstrumentedModel.Of(generator);
    public ProGanLayout Layout => Generator.Layout;
    public int Resolution => Generator.Resolution;

    /// <summary>Editable layers: layer1…layerN (not the RGB output).</summary>
    public IReadOnlyList<string> Layers => Layout.BlockNames.Take(Layout.LayerCount).ToList();

    public string DefaultLayer => Layers.Contains("layer4") ? "layer4" : Layers[Layers.Count / 2];

    /// <summary>Units and spatial side of a layer's output; null when the generator has no such layer.</summary>
    public (int Units, int Side)? LayerShape(string layer)
    {
        var i = Layers.ToList().IndexOf(layer);
        return i < 0 ? null : (Layout.Channels[i], Layout.SizeOf(i + 1));
    }

    /// <exception cref="ArgumentException">not an editable layer; the message names the editable ones.</exception>
    public void CheckLayer(string layer)
    {
        if (!Layers.Contains(layer))
            throw new ArgumentException($"'{layer}' is not a layer of {Name}; layers: {string.Join(", ", Layers)}");
    }

    /// <summary>The generator cut after an editable layer; made (with its check pass) under the gate, then kept.</summary>
    public async Task<LayerCut> CutAsync(string layer, CancellationToken ct = default)
    {
        // Made once: later renders must not queue at the gate just to fetch it.
        if (_cuts.TryGetValue(layer, out var made)) return made;
        CheckLayer(layer);
        var cut = await RunAsync(() => Instrumented.Cut(layer), ct);
        _cuts[layer] = cut;
        return cut;
    }

    /// <summary>Runs work on the thread pool, under the gate.</summary>
    public async Task<T> RunAsync<T>(Func<T> work, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            using var lease = priority?.Begin();
            return await Task.Run(work, ct);
        }
        finally { _gate.Release(); }
    }

    public void Dispose() => Generator.Dispose();
}
