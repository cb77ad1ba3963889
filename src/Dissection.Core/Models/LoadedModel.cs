// A model ready to run: the TorchSharp module in eval mode on its device, with its preprocessing and classes.
using Dissection.Core.Instrumentation;
using TorchSharp;
using static TorchSharp.torch;

namespace Dissection.Core.Models;

public sealed class LoadedModel(ModelSpec spec, nn.Module<Tensor, Tensor> module, Preprocessing preprocessing,
    Device device, int? numClasses, IReadOnlyList<string>? classNames) : IDisposable
{
    public ModelSpec Spec { get; } = spec;
    public nn.Module<Tensor, Tensor> Module { get; } = module;
    public Preprocessing Preprocessing { get; } = preprocessing;
    public Device Device { get; } = device;
    /// <summary>Outputs of the last layer for classifiers; null for feature extractors and generators.</summary>
    public int? NumClasses { get; } = numClasses;
    public IReadOnlyList<string>? ClassNames { get; } = classNames;

    /// <summary>The model's hooks and cuts (capture, edit, head/tail): made once and shared, like the module.</summary>
    public InstrumentedModel Instrumented => _instrumented.Value;

    private readonly Lazy<InstrumentedModel> _instrumented = new(() => new InstrumentedModel(module, device,
        module is ISteppedModel stepped ? stepped.InputShape : [3, preprocessing.InputSize, preprocessing.InputSize]));

    public void Dispose() => Module.Dispose();
}
