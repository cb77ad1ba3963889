// A ProGAN generator block that doubles the resolution: PixelNorm → nearest ×2 → conv (no bias) → WScale → LeakyReLU(0.2).
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dissection.Core.Generation;

public sealed class NormUpscaleConvBlock : nn.Module<Tensor, Tensor>
{
    private readonly PixelNorm norm = new();
    private readonly Conv2d conv;
    private readonly WScale wscale;
    private readonly LeakyReLU relu = nn.LeakyReLU(0.2);

    public NormUpscaleConvBlock(int inChannels, int outChannels, int kernel, int padding) : base(nameof(NormUpscaleConvBlock))
    {
        conv = nn.Conv2d(inChannels, outChannels, kernel, stride: 1, padding: padding, bias: false);
        wscale = new WScale(outChannels, inChannels, Math.Sqrt(2) / kernel);
        RegisterComponents();
    }

    public Conv2d Conv => conv;
    public WScale WScale => wscale;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var up = nn.functional.interpolate(norm.call(x), scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);
        return relu.call(wscale.call(conv.call(up))).MoveToOuterDisposeScope();
    }
}
