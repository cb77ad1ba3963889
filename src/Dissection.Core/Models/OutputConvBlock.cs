// The ProGAN "toRGB" block: PixelNorm → 1×1 conv to 3 channels → WScale(gain 1). No tanh: the output is nominally in
// [-1,1] but unclamped, exactly like the reference, so dissection sees the same values.
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dissection.Core.Models;

public sealed class OutputConvBlock : nn.Module<Tensor, Tensor>
{
    private readonly PixelNorm norm = new();
    private readonly Conv2d conv;
    private readonly WScale wscale;

    public OutputConvBlock(int inChannels) : base(nameof(OutputConvBlock))
    {
        conv = nn.Conv2d(inChannels, 3, 1, bias: false);
        wscale = new WScale(3, inChannels, 1.0);
        RegisterComponents();
    }

    public Conv2d Conv => conv;
    public WScale WScale => wscale;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return wscale.call(conv.call(norm.call(x))).MoveToOuterDisposeScope();
    }
}
