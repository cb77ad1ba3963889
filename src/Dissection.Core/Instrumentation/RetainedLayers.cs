// Layers of an instrumented model held by capture hooks (nethook's retain_layer): each Run returns their outputs from
// one forward pass. Several names that stand for one module share one hook; the hooks go on Dispose.
using TorchSharp;
using static TorchSharp.torch;

namespace Dissection.Core.Instrumentation;

public sealed class RetainedLayers : IDisposable
{
    private readonly InstrumentedModel _model;
    private readonly List<IDisposable> _hooks = [];
    // Requested layer name -> capture of the current Run; filled by the hooks.
    private readonly Dictionary<string, Tensor?> _captured;
    private bool _stopWhenAllCaptured;
    private bool _disposed;

    internal RetainedLayers(InstrumentedModel model, IReadOnlyList<string> layers, bool asHalf)
    {
        if (layers.Count == 0) throw new ArgumentException("no layers to retain were given");
        _model = model;
        _captured = layers.Distinct(StringComparer.Ordinal).ToDictionary(l => l, _ => (Tensor?)null, StringComparer.Ordinal);
        var resolved = _captured.Keys.Select(l => (Layer: l, Module: model.ResolveModule(l))).ToList();
        foreach (var group in resolved.GroupBy(r => r.Module.Name, StringComparer.Ordinal))
        {
            var names = group.Select(r => r.Layer).ToArray();
            _hooks.Add(InstrumentedModel.Hook(group.First().Module.Module, output =>
            {
                foreach (var n in names)
                {
                    _captured[n]?.Dispose();
                    // A module's forward may run in its own dispose scope; the copy must escape it.
                    _captured[n] = (asHalf ? output.detach().to(ScalarType.Float16) : output.detach().clone()).DetachFromDisposeScope();
                }
                if (_stopWhenAllCaptured && _captured.Values.All(t => t is not null)) throw new StopForward();
                return null;
            }));
        }
    }

    public IReadOnlyList<string> Layers => _captured.Keys.ToList();

    /// <summary>Runs the model on a batch; returns layer name -> its output, which outlives the model's dispose scopes
    /// (the caller disposes them), plus the model output.</summary>
    public (IReadOnlyDictionary<string, Tensor> Activations, Tensor Output) Run(Tensor input)
    {
        var output = Forward(input, stopEarly: false)!;
        return (Collect(), output);
    }

    /// <summary>The retained layers' outputs only: the forward pass stops as soon as the last of them has run (the
    /// generator dissection skips the image-resolution output block this way). The caller disposes the tensors.</summary>
    public IReadOnlyDictionary<string, Tensor> Capture(Tensor input)
    {
        Forward(input, stopEarly: true)?.Dispose();
        return Collect();
    }

    private Tensor? Forward(Tensor input, bool stopEarly)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var k in _captured.Keys) _captured[k] = null;
        _stopWhenAllCaptured = stopEarly;
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var x = input.device == _model.Device ? input : input.to(_model.Device);
            // call(), not forward(): hooks on the root module itself only fire through call().
            return _model.Root.call(x).MoveToOuterDisposeScope();
        }
        catch (StopForward)
        {
            return null;
        }
        finally
        {
            _stopWhenAllCaptured = false;
        }
    }

    private Dictionary<string, Tensor> Collect()
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, t) in _captured)
            result[name] = t ?? throw new InvalidOperationException($"layer '{name}' did not run during the forward pass");
        foreach (var k in result.Keys) _captured[k] = null;
        return result;
    }

    /// <summary>Thrown by the last capture hook to end a forward pass early (nethook's StopForward).</summary>
    private sealed class StopForward : Exception;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var h in _hooks) h.Dispose();
        foreach (var t in _captured.Values) t?.Dispose();
        _captured.Clear();
    }
}
