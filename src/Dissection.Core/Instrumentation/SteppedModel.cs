// A model that says how its forward pass runs: named steps in order, each mapping a tensor to a tensor. The
// instrumented model can cut such a model after any step (head once, tail many) without guessing from its children.
using static TorchSharp.torch;

namespace Dissection.Core.Instrumentation;

/// <param name="Module">The step's module (null for a plain function such as a flatten or a reshape).</param>
public sealed record ModelStep(string Name, Func<Tensor, Tensor> Apply, nn.Module? Module);

public interface ISteppedModel
{
    /// <summary>The forward pass as steps: running them in order on the model's input gives its output.</summary>
    IReadOnlyList<ModelStep> Steps { get; }

    /// <summary>The shape of one input, without the batch dimension (a latent's (Z) for a generator).</summary>
    long[] InputShape { get; }
}
