// A ProGAN generator block at constant resolution: PixelNorm → conv (no bias) → WScale → LeakyReLU(0.2).
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dissection.Core.Generation;

public sealed class NormConvBlock : nn.Module<Tensor, Tensor>
{
    // Field names are the state-dict key parts: "<block>.conv.weight", "<block>.wscale.b".
    private readonly PixelNorm norm = new();
    private readonly Conv2d conv;
    private readonly WScale wscale;
    private readonly LeakyReLU relu = nn.LeakyReLU(0.2);

    public NormConvBlock(int inChannels, int outChannels, int kernel, int padding) : base(nameof(NormConvBlock))
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
        return relu.call(wscale.call(conv.call(norm.call(x)))).MoveToOuterDisposeScope();
    }
}
