// ProGAN's equalised learning rate applied at run time: the conv weight is stored unscaled and its output is multiplied by
// a fixed He constant, then the per-channel bias `b` is added. The constant is a plain float, not a parameter or buffer,
// so that it never appears in the state dict (published checkpoints hold only `wscale.b`).
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dissection.Core.Models;

public sealed class WScale : nn.Module<Tensor, Tensor>
{
    // Field name is the state-dict key suffix: "<block>.wscale.b".
    private readonly Parameter b;

    /// <param name="channels">Output channels (size of b).</param>
    /// <param name="fanIn">The reference passes in_channels as fan-in (not in·k²); the kernel is folded into the gain.</param>
    /// <param name="gain">√2/kernel for hidden blocks, 1 for the RGB output block.</param>
    public WScale(int channels, int fanIn, double gain) : base(nameof(WScale))
    {
        Scale = gain / Math.Sqrt(fanIn);
        b = nn.Parameter(zeros(channels));
        RegisterComponents();
    }

    public double Scale { get; }
    public Parameter Bias => b;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return (x * Scale + b.view(1, -1, 1, 1)).MoveToOuterDisposeScope();
    }
}
