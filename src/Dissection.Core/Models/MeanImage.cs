// A per-pixel mean image (Caffe style), subtracted from the input instead of per-channel means. Models exported from
// Caffe/CNTK, like the shipped ImageNet ResNet, were trained with one; channel means alone shift their features by
// a few percent.
using static TorchSharp.torch;

namespace Dissection.Core.Models;

/// <param name="Pixels">(3, Height, Width) values in the model's channel order and value range.</param>
public sealed record MeanImage(float[] Pixels, int Height, int Width)
{
    /// <summary>The mean of each channel, in the model's channel order.</summary>
    public float[] ChannelMeans()
    {
        Validate();
        int plane = Height * Width;
        var means = new float[3];
        for (int c = 0; c < 3; c++)
        {
            double sum = 0;
            foreach (var v in Pixels.AsSpan(c * plane, plane)) sum += v;
            means[c] = (float)(sum / plane);
        }
        return means;
    }

    /// <summary>The image as a (1, 3, height, width) tensor on the device, bilinearly resized when the input size
    /// differs from the size it was computed at.</summary>
    public Tensor ToTensor(Device device, long height, long width)
    {
        Validate();
        using var scope = NewDisposeScope();
        var t = tensor(Pixels, [1, 3, Height, Width], device: device);
        if (height != Height || width != Width)
            t = nn.functional.interpolate(t, [height, width], mode: InterpolationMode.Bilinear, align_corners: false);
        return t.MoveToOuterDisposeScope();
    }

    public override string ToString() => $"mean image {Height}x{Width}";

    private void Validate()
    {
        if (Height <= 0 || Width <= 0 || Pixels.Length != 3L * Height * Width)
            throw new ArgumentException($"a mean image of {Height}x{Width} needs {3L * Height * Width} values, got {Pixels.Length}");
    }
}
