// How a model wants its input: size, channel order, value range and normalisation.
using static TorchSharp.torch;

namespace Dissection.Core.Models;

/// <param name="InputSize">Square side the image is resized to.</param>
/// <param name="Mean">Per-channel mean in the model's channel order and value range.</param>
/// <param name="Std">Per-channel std (1 = none).</param>
/// <param name="Bgr">True when the model expects BGR channel order.</param>
/// <param name="ValueRange">255 when the model expects 0..255 input, 1 for 0..1.</param>
public sealed record Preprocessing(int InputSize, float[] Mean, float[] Std, bool Bgr = false, float ValueRange = 1f)
{
    public static Preprocessing ImageNet(int size = 224) =>
        new(size, [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>Turns a batch of RGB images in [0,1], shape (B,3,H,W), into the model's input.</summary>
    public Tensor Apply(Tensor rgb01) => throw new NotImplementedException();
}
