// A conv layer with ProGAN's equalised learning rate (weights stored unit-normal, scaled by He's constant at run time),
// for the discriminator, so its Adam steps have the same relative size as the generator's WScale layers.
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dissection.Core.Training;

internal sealed class EqualizedConv2d : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly double _scale;
    private readonly long _padding;

    public EqualizedConv2d(int inChannels, int outChannels, int kernel, Generator init) : base(nameof(EqualizedConv2d))
    {
        weight = nn.Parameter(randn([outChannels, inChannels, kernel, kernel], generator: init));
        bias = nn.Parameter(zeros(outChannels));
        _scale = Math.Sqrt(2.0 / (inChannels * kernel * kernel));
        _padding = kernel / 2;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return nn.functional.conv2d(x, weight * _scale, bias, padding: [_padding, _padding]).MoveToOuterDisposeScope();
    }
}
