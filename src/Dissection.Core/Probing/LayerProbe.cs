// Forward hooks that capture the activations of several layers in one forward pass.
using Dissection.Core.Models;
using static TorchSharp.torch;

namespace Dissection.Core.Probing;

public sealed class LayerProbe : IDisposable
{
    /// <summary>Every probe-able layer of the model with its output shape (one dummy forward pass).</summary>
    public static IReadOnlyList<LayerInfo> ListLayers(LoadedModel model) => throw new NotImplementedException();

    /// <summary>Hooks the named layers (post-ReLU where a conv is followed by a ReLU). Unknown names throw, listing valid ones.</summary>
    public LayerProbe(LoadedModel model, IReadOnlyList<string> layers) => throw new NotImplementedException();

    /// <summary>Runs the model on a preprocessed batch; returns layer name -> (B,U,h,w) activations that outlive
    /// TorchVision's dispose scopes (the caller disposes them), plus the model output.</summary>
    public (IReadOnlyDictionary<string, Tensor> Activations, Tensor Output) Run(Tensor input) => throw new NotImplementedException();

    public void Dispose() { }
}
