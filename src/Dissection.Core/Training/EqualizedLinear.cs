// A fully connected layer with the equalised learning rate (see EqualizedConv2d).
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dissection.Core.Training;

internal sealed class EqualizedLinear : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly double _scale;

    public EqualizedLinear(int inFeatures, int outFeatures, Generator init, double gain = 1.4142135623730951) : base(nameof(EqualizedLinear))
    {
        weight = nn.Parameter(randn([outFeatures, inFeatures], generator: init));
        bias = nn.Parameter(zeros(outFeatures));
        _scale = gain / Math.Sqrt(inFeatures);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return nn.functional.linear(x, weight * _scale, bias).MoveToOuterDisposeScope();
    }
}
