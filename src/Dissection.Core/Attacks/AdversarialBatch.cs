// The adversarial images of one attack call (B,3,H,W) in [0,1], with one outcome per image. Owns the tensor.
using static TorchSharp.torch;

namespace Dissection.Core.Attacks;

public sealed class AdversarialBatch(Tensor images, IReadOnlyList<AttackOutcome> outcomes) : IDisposable
{
    /// <summary>(B,3,H,W) float32 in [0,1], on the model's device, detached from autograd.</summary>
    public Tensor Images { get; } = images;
    public IReadOnlyList<AttackOutcome> Outcomes { get; } = outcomes;
    public void Dispose() => Images.Dispose();
}
