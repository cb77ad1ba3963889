// Forward hooks that capture the activations of several layers in one forward pass, and an editing hook.
using Dissection.Core.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dissection.Core.Probing;

/// <summary>
/// Layer names are PyTorch-style module paths (features.28, layer4, layer4.1.conv2).
/// POST-RELU DEFAULT: when the named module is a Conv2d followed by a ReLU (optionally after a BatchNorm2d) in its parent Sequential
/// (TorchVision's vgg/alexnet `features`), the ReLU's output is captured (or edited) instead of the conv's. This
/// matches the reference, whose in-place ReLU turns its conv hooks into post-ReLU statistics (network-dissection.md §8).
/// Captures are cloned at hook time, so a later in-place op cannot alter them.
/// </summary>
public sealed class LayerProbe : IDisposable
{
    private readonly LoadedModel _model;
    private readonly List<IDisposable> _hooks = [];
    // Requested layer name -> capture of the current Run; filled by the hooks.
    private readonly Dictionary<string, Tensor?> _captured;
    private bool _disposed;

    /// <summary>Every probe-able layer of the model with its output shape (one dummy forward pass at the model's
    /// input size, batch 1; a latent of zeros for a generator). The shape excludes the batch dimension.</summary>
    public static IReadOnlyList<LayerInfo> ListLayers(LoadedModel model)
    {
        var modules = NamedModules(model.Module);
        var shapes = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var hooks = new List<IDisposable>();
        try
        {
            foreach (var (name, m) in modules)
                hooks.Add(Hook(m, (_, output) =>
                {
                    shapes[name] = output.shape.Skip(1).Select(d => checked((int)d)).ToArray();
                    return null;
                }));
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var size = model.Preprocessing.InputSize;
            // A generator's input is a latent vector, not an image.
            model.Module.call(model.Module is Models.ProgressiveGenerator g
                ? zeros(1, g.ZDim, device: model.Device)
                : zeros(1, 3, size, size, device: model.Device));
        }
        finally
        {
            foreach (var h in hooks) h.Dispose();
        }
        // Modules that never ran (or returned no tensor) cannot be probed.
        return modules.Where(p => shapes.ContainsKey(p.Name))
            .Select(p => new LayerInfo(p.Name, p.Module.GetType().Name, shapes[p.Name]))
            .ToList();
    }

    /// <summary>Hooks the named layers (post-ReLU where a conv is followed by a ReLU). Unknown names throw, listing valid ones.
    /// With <paramref name="asHalf"/> the captures are fp16 copies instead of fp32 clones: half the memory traffic
    /// for the dissection, which rounds every activation to fp16 anyway.</summary>
    public LayerProbe(LoadedModel model, IReadOnlyList<string> layers, bool asHalf = false)
    {
        if (layers.Count == 0) throw new ArgumentException("no layers to probe were given");
        _model = model;
        _captured = layers.Distinct(StringComparer.Ordinal).ToDictionary(l => l, _ => (Tensor?)null, StringComparer.Ordinal);
        var modules = NamedModules(model.Module);
        // Several requested names may resolve to one module (features.28 and features.29): hook it once.
        foreach (var group in _captured.Keys.GroupBy(l => ResolveLayer(modules, l).Name, StringComparer.Ordinal))
        {
            var names = group.ToArray();
            var module = modules.First(p => p.Name == group.Key).Module;
            _hooks.Add(Hook(module, (_, output) =>
            {
                foreach (var n in names)
                {
                    _captured[n]?.Dispose();
                    // TorchVision's forward runs in its own dispose scope; the clone must escape it.
                    _captured[n] = (asHalf ? output.detach().to(ScalarType.Float16) : output.detach().clone()).DetachFromDisposeScope();
                }
                return null;
            }));
        }
    }

    public IReadOnlyList<string> Layers => _captured.Keys.ToList();

    /// <summary>Runs the model on a preprocessed batch; returns layer name -> (B,U,h,w) activations that outlive
    /// TorchVision's dispose scopes (the caller disposes them), plus the model output.</summary>
    public (IReadOnlyDictionary<string, Tensor> Activations, Tensor Output) Run(Tensor input)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var k in _captured.Keys) _captured[k] = null;
        Tensor output;
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            var x = input.device == _model.Device ? input : input.to(_model.Device);
            // call(), not forward(): hooks on the root module itself only fire through call().
            output = _model.Module.call(x).MoveToOuterDisposeScope();
        }
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, t) in _captured)
            result[name] = t ?? throw new InvalidOperationException($"layer '{name}' did not run during the forward pass");
        foreach (var k in result.Keys) _captured[k] = null;
        return (result, output);
    }

    /// <summary>Replaces the (post-ReLU-resolved) output of one layer with edit(output) while the handle lives.
    /// For ablation and GAN interventions. The edit runs inside the model's forward; return a new tensor of the same
    /// shape. The hook is removed on Dispose, after which outputs are exactly as before. Hooks run in registration
    /// order: a LayerProbe created after the edit captures the edited activations, one created before captures the originals.</summary>
    public static IDisposable Edit(LoadedModel model, string layer, Func<Tensor, Tensor> edit)
    {
        var modules = NamedModules(model.Module);
        var target = ResolveLayer(modules, layer);
        return Hook(target.Module, (_, output) => edit(output));
    }

    /// <summary>The module name whose output is captured for a layer: the following ReLU for a conv in a Sequential,
    /// else the layer itself. Unknown names throw like the constructor.</summary>
    public static string CapturedModule(LoadedModel model, string layer) => ResolveLayer(NamedModules(model.Module), layer).Name;

    /// <summary>The module whose output stands for the named layer: the ReLU after a Conv2d in a Sequential, else itself.</summary>
    internal static (string Name, nn.Module<Tensor, Tensor> Module) ResolveLayer(
        IReadOnlyList<(string Name, nn.Module<Tensor, Tensor> Module)> modules, string layer)
    {
        var found = modules.FirstOrDefault(p => p.Name == layer);
        if (found.Module is null)
        {
            var near = modules.Where(p => p.Name.StartsWith(layer.Split('.')[0], StringComparison.Ordinal)).Select(p => p.Name).ToList();
            var examples = (near.Count > 0 ? near : modules.Select(p => p.Name)).Take(12);
            throw new ArgumentException($"unknown layer '{layer}'; valid layers include: {string.Join(", ", examples)}" +
                                        " (run 'dissect layers --model ...' for the full list)");
        }
        if (found.Module is not Conv2d) return found;
        var dot = layer.LastIndexOf('.');
        if (dot < 0) return found;
        var parentName = layer[..dot];
        var parent = modules.FirstOrDefault(p => p.Name == parentName).Module;
        if (parent is not Sequential) return found;
        var children = parent.named_children().ToList();
        var index = children.FindIndex(c => c.name == layer[(dot + 1)..]);
        if (index < 0) return found;
        // A BatchNorm between the conv and its ReLU (conv -> bn -> relu, as in our world-vgg) belongs to the same unit.
        var next = index + 1;
        while (next < children.Count && children[next].module is BatchNorm2d) next++;
        if (next >= children.Count || children[next].module is not ReLU) return found;
        var reluName = $"{parentName}.{children[next].name}";
        return (reluName, (nn.Module<Tensor, Tensor>)children[next].module);
    }

    /// <summary>Every named descendant in PyTorch's depth-first order (features, features.0, ..., classifier).
    /// TorchSharp's own named_modules() lists breadth-first, which reads badly in `dissect layers`.</summary>
    internal static IReadOnlyList<(string Name, nn.Module<Tensor, Tensor> Module)> NamedModules(nn.Module<Tensor, Tensor> root)
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
    private static IDisposable Hook(nn.Module<Tensor, Tensor> module, Func<nn.Module<Tensor, Tensor>, Tensor, Tensor?> onOutput)
    {
        var handle = module.register_forward_hook((m, _, output) => onOutput(m, output) ?? output);
        return new HookHandle(() => handle.remove());
    }

    private sealed class HookHandle(Action remove) : IDisposable
    {
        private Action? _remove = remove;
        public void Dispose() { Interlocked.Exchange(ref _remove, null)?.Invoke(); }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var h in _hooks) h.Dispose();
        foreach (var t in _captured.Values) t?.Dispose();
        _captured.Clear();
    }
}
