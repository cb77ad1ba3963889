// The one door to a model's insides, in the spirit of nethook's InstrumentedModel (davidbau/dissect): retain layers
// (capture their outputs during a forward pass), edit layers (replace a layer's output: zero, replace or blend units,
// optionally in a region), and cut the model at a layer (head once, tail many). Dissection, ablation, GAN
// interventions, the paint playground and attacks all go through it; nothing else registers a hook or splits a model.
using System.Collections.Concurrent;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dissection.Core.Instrumentation;

/// <summary>
/// Layer names are PyTorch-style module paths (features.28, layer4, layer4.1.conv2).
/// POST-ACTIVATION RULE: a Conv2d or Linear in a Sequential stands for the BatchNorm and activation (ReLU, ReLU6,
/// LeakyReLU) that directly follow it, so capture, edit and cut all see the units after the activation (the
/// reference's in-place ReLU turns its conv hooks into post-ReLU statistics, network-dissection.md §8).
/// Hooks live on the shared module: an edit is visible to every forward pass while its handle lives, so a model
/// shared between callers must be used under one gate (TorchSharp modules are not re-entrant anyway).
/// </summary>
public sealed class InstrumentedModel
{
    private readonly IReadOnlyList<(string Name, nn.Module<Tensor, Tensor> Module)> _modules;
    private readonly ConcurrentDictionary<(string Layer, bool Pool), Lazy<(LayerCut? Cut, string Reason)>> _cuts = new();

    /// <param name="inputShape">One input without the batch dimension: (3,H,W) for an image model, (Z) for a generator.</param>
    public InstrumentedModel(nn.Module<Tensor, Tensor> root, Device device, long[] inputShape)
    {
        Root = root;
        Device = device;
        InputShape = inputShape;
        _modules = NamedModules(root);
    }

    /// <summary>A stepped model (a generator) on the CPU, its input shape from the model itself.</summary>
    public static InstrumentedModel Of<T>(T model) where T : nn.Module<Tensor, Tensor>, ISteppedModel =>
        new(model, CPU, model.InputShape);

    public nn.Module<Tensor, Tensor> Root { get; }
    public Device Device { get; }
    public long[] InputShape { get; }

    /// <summary>Every layer with its output shape (one pass on a zero input, batch 1); the shape excludes the batch
    /// dimension. Modules that never run (or return no tensor) are left out.</summary>
    public IReadOnlyList<LayerInfo> Layers()
    {
        var shapes = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var hooks = new List<IDisposable>();
        try
        {
            foreach (var (name, m) in _modules)
                hooks.Add(Hook(m, output =>
                {
                    shapes[name] = output.shape.Skip(1).Select(d => checked((int)d)).ToArray();
                    return null;
                }));
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Root.call(zeros([1, .. InputShape], device: Device));
        }
        finally
        {
            foreach (var h in hooks) h.Dispose();
        }
        return _modules.Where(p => shapes.ContainsKey(p.Name))
            .Select(p => new LayerInfo(p.Name, p.Module.GetType().Name, shapes[p.Name]))
            .ToList();
    }

    /// <summary>The module whose output stands for a layer (the post-activation rule above).</summary>
    /// <exception cref="ArgumentException">an unknown layer; the message lists valid names.</exception>
    public string Resolve(string layer) => ResolveModule(layer).Name;

    /// <summary>Hooks the layers so that each Run captures them; the hooks go on Dispose. With asHalf the captures
    /// are fp16 copies instead of fp32 clones (half the memory traffic for the dissection, which rounds to fp16 anyway).</summary>
    public RetainedLayers Retain(IReadOnlyList<string> layers, bool asHalf = false) => new(this, layers, asHalf);

    /// <summary>Replaces the output of one layer with edit(output) while the handle lives; return a new tensor of the
    /// same shape. Hooks run in registration order: layers retained after the edit see the edited output.</summary>
    public IDisposable Edit(string layer, Func<Tensor, Tensor> edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        return Hook(ResolveModule(layer).Module, edit);
    }

    /// <summary>The unit edits (each on its own layer) applied while the handle lives.</summary>
    public IDisposable Edit(IReadOnlyList<UnitEdit> edits)
    {
        var handles = new List<IDisposable>();
        try
        {
            foreach (var group in edits.GroupBy(e => e.Layer))
            {
                var layerEdits = group.ToList();
                handles.Add(Edit(group.Key, output => UnitEdit.Apply(output, layerEdits)));
            }
        }
        catch
        {
            foreach (var h in handles) h.Dispose();
            throw;
        }
        return new Handle(() => { foreach (var h in handles) h.Dispose(); });
    }

    /// <summary>The model cut after a layer (head: input → the layer's units; tail: units → output), or null with the
    /// reason when this model cannot be cut there. Made once per layer and kept. With poolIntoHead, a global average
    /// pool that opens the tail moves into the head (see LayerCut.PoolsInHead).</summary>
    /// <exception cref="ArgumentException">an unknown layer.</exception>
    public LayerCut? TryCut(string layer, out string reason, bool poolIntoHead = false)
    {
        var resolved = ResolveModule(layer).Name;
        var made = _cuts.GetOrAdd((layer, poolIntoHead), k => new Lazy<(LayerCut?, string)>(() =>
        {
            var cut = LayerCut.TryCreate(this, k.Layer, resolved, k.Pool, out var why);
            return (cut, why);
        })).Value;
        reason = made.Reason;
        return made.Cut;
    }

    /// <summary>As TryCut, but a model that cannot be cut there throws, saying why.</summary>
    public LayerCut Cut(string layer, bool poolIntoHead = false) =>
        TryCut(layer, out var reason, poolIntoHead) ?? throw new ArgumentException($"cannot cut the model at '{layer}': {reason}");

    internal (string Name, nn.Module<Tensor, Tensor> Module) ResolveModule(string layer)
    {
        var found = _modules.FirstOrDefault(p => p.Name == layer);
        if (found.Module is null)
        {
            var near = _modules.Where(p => p.Name.StartsWith(layer.Split('.')[0], StringComparison.Ordinal)).Select(p => p.Name).ToList();
            // Nothing near the name: the top-level layers first, which say what the model is made of.
            var examples = (near.Count > 0 ? near : _modules.OrderBy(p => p.Name.Contains('.')).Select(p => p.Name)).Take(12);
            throw new ArgumentException($"unknown layer '{layer}'; valid layers include: {string.Join(", ", examples)}" +
                                        " (run 'dissect layers --model ...' for the full list)");
        }
        if (found.Module is not (Conv2d or Linear)) return found;
        var dot = layer.LastIndexOf('.');
        var parentName = dot < 0 ? "" : layer[..dot];
        var parent = dot < 0 ? Root : _modules.FirstOrDefault(p => p.Name == parentName).Module;
        if (parent is not Sequential) return found;
        var children = parent.named_children().ToList();
        var index = children.FindIndex(c => c.name == layer[(dot + 1)..]);
        if (index < 0) return found;
        var last = index;
        while (last + 1 < children.Count && children[last + 1].module is BatchNorm2d or BatchNorm1d or ReLU or ReLU6 or LeakyReLU)
            last++;
        if (last == index) return found;
        var name = dot < 0 ? children[last].name : $"{parentName}.{children[last].name}";
        return (name, (nn.Module<Tensor, Tensor>)children[last].module);
    }

    /// <summary>Every named descendant in PyTorch's depth-first order (features, features.0, ..., classifier).
    /// TorchSharp's own named_modules() lists breadth-first, which reads badly in `dissect layers`.</summary>
    private static IReadOnlyList<(string Name, nn.Module<Tensor, Tensor> Module)> NamedModules(nn.Module<Tensor, Tensor> root)
    {
        var result = new List<(string, nn.Module<Tensor, Tensor>)>();
        void Walk(nn.Module parent, string prefix)
        {
            foreach (var (name, child) in parent.named_children())
            {
                var full = prefix + name;
                if (child is nn.Module<Tensor, Tensor> m) result.Add((full, m));
                Walk(child, full + ".");
            }
        }
        Walk(root, "");
        return result;
    }

    /// <summary>A forward hook that is removed on Dispose. The callback returns a replacement output, or null to keep it.</summary>
    internal static IDisposable Hook(nn.Module<Tensor, Tensor> module, Func<Tensor, Tensor?> onOutput)
    {
        var handle = module.register_forward_hook((_, _, output) => onOutput(output) ?? output);
        return new Handle(() => handle.remove());
    }

    private sealed class Handle(Action remove) : IDisposable
    {
        private Action? _remove = remove;
        public void Dispose() { Interlocked.Exchange(ref _remove, null)?.Invoke(); }
    }
}
