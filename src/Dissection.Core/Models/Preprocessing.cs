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
    /// <summary>Optional per-pixel mean (Caffe style, in the model's channel order and value range), subtracted
    /// instead of <see cref="Mean"/> and resized to the input when sizes differ. Mean then holds its channel means,
    /// for code that needs per-channel values (e.g. to undo the preprocessing for display).</summary>
    public MeanImage? MeanImage { get; init; }

    public static Preprocessing ImageNet(int size = 224) =>
        new(size, [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>Turns a batch of RGB images in [0,1], shape (B,3,H,W), into the model's input.
    /// The result lives on the input's device and survives the caller's dispose scope rules like any new tensor.</summary>
    public Tensor Apply(Tensor rgb01)
    {
        if (rgb01.dim() != 4 || rgb01.shape[1] != 3)
            throw new ArgumentException($"preprocessing expects a (B,3,H,W) batch, got [{string.Join(",", rgb01.shape)}]");
        if (Mean.Length != 3 || Std.Length != 3)
            throw new ArgumentException($"preprocessing needs 3 mean and 3 std values, got {Mean.Length} and {Std.Length}");
        if (Std.Any(s => s == 0f)) throw new ArgumentException("preprocessing std must not contain 0");

        using var scope = NewDisposeScope();
        var x = rgb01.to_type(ScalarType.Float32);
        if (Bgr) x = x.flip(1);
        if (ValueRange != 1f) x = x * ValueRange;
        var mean = MeanImage is { } image
            ? image.ToTensor(x.device, x.shape[2], x.shape[3])
            : tensor(Mean, device: x.device).view(1, 3, 1, 1);
        var std = tensor(Std, device: x.device).view(1, 3, 1, 1);
        return ((x - mean) / std).MoveToOuterDisposeScope();
    }

    public override string ToString() =>
        $"{InputSize}px {(Bgr ? "BGR" : "RGB")} 0..{ValueRange:0.###} mean [{string.Join(",", Mean)}]{(MeanImage is null ? "" : $" ({MeanImage})")} std [{string.Join(",", Std)}]";
}
