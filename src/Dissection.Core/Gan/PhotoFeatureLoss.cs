// The perceptual part of the inversion loss: distance between a shipped classifier's early-layer features (world-vgg's
// conv2_1 by default) of the photo and of the reconstruction. The classifier is cut at that layer by the one
// instrumented model (LayerCut), with gradients on; its weights are frozen, so nothing accumulates in them.
using Dissection.Core.Instrumentation;
using Dissection.Core.Models;
using static TorchSharp.torch;

namespace Dissection.Core.Gan;

public sealed class PhotoFeatureLoss : IDisposable
{
    private readonly LoadedModel _model;
    private readonly LayerCut _cut;

    public const string DefaultLayer = "features.conv2_1";

    /// <param name="spec">A classifier, e.g. world-vgg:data/models/world-vgg.pt.</param>
    public PhotoFeatureLoss(string spec, string layer = DefaultLayer)
    {
        _model = ModelRegistry.Load(ModelSpec.Parse(spec), new ModelOptions(Device: "cpu"));
        try
        {
            _model.Module.eval();
            foreach (var p in _model.Module.parameters()) p.requires_grad = false;
            _cut = _model.Instrumented.Cut(layer);
        }
        catch { _model.Dispose(); throw; }
        Name = $"{_model.Spec.Arch} {layer}";
    }

    public string Name { get; }

    /// <summary>The features of images in the generator's [-1,1] range (gradients flow through when enabled).</summary>
    public Tensor Features(Tensor images)
    {
        using var scope = NewDisposeScope();
        var x = _model.Preprocessing.Apply((images + 1f) / 2f);
        return _cut.Head(x, gradients: true).MoveToOuterDisposeScope();
    }

    public void Dispose() => _model.Dispose();
}
