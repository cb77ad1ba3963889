// A ProGAN generator block: PixelNorm → (nearest ×2 when it upscales) → conv (no bias) → WScale → LeakyReLU(0.2).
// The reference names the two variants NormConvBlock and NormUpscaleConvBlock; they differ only by the upscale.
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dissection.Core.Models;

public sealed class NormConvBlock : nn.Module<Tensor, Tensor>
{
    // Field names are the state-dict key parts: "<block>.conv.weight", "<block>.wscale.b".
    private readonly PixelNorm norm = new();
    private readonly Conv2d conv;
    private readonly WScale wscale;
    private readonly LeakyReLU relu = nn.LeakyReLU(0.2);
    private readonly bool _upscale;

    public NormConvBlock(int inChannels, int outChannels, int kernel, int padding, bool upscale = false) : base(nameof(NormConvBlock))
    {
        _upscale = upscale;
        conv = nn.Conv2d(inChannels, outChannels, kernel, stride: 1, padding: padding, bias: false);
        wscale = new WScale(outChannels, inChannels, Math.Sqrt(2) / kernel);
        RegisterComponents();
    }

    public Conv2d Conv => conv;
    public WScale WScale => wscale;
    public bool Upscales => _upscale;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = norm.call(x);
        if (_upscale) h = nn.functional.interpolate(h, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);
        return relu.call(wscale.call(conv.call(h))).MoveToOuterDisposeScope();
    }
}
