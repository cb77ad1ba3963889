// ProGAN's pixelwise feature normalisation: each pixel's feature vector is scaled to unit root-mean-square over channels.
using static TorchSharp.torch;

namespace Dissection.Core.Models;

public sealed class PixelNorm : nn.Module<Tensor, Tensor>
{
    internal const double Epsilon = 1e-8;

    public PixelNorm() : base(nameof(PixelNorm)) { }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return (x / (x.pow(2).mean([1], keepdim: true) + Epsilon).sqrt()).MoveToOuterDisposeScope();
    }
}
