// The residual block of ResNet-18/34 (two 3x3 convs plus an identity or 1x1 shortcut), with TorchVision's
// parameter names so that state dicts and probe names (layer4.2.conv2, layer2.0.downsample.0) line up.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dissection.Core.Models;

internal sealed class BasicBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Sequential? downsample;

    public BasicBlock(long inPlanes, long planes, long stride) : base(nameof(BasicBlock))
    {
        conv1 = nn.Conv2d(inPlanes, planes, 3, stride: stride, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(planes);
        relu = nn.ReLU();
        conv2 = nn.Conv2d(planes, planes, 3, stride: 1, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(planes);
        // Registration order is what the ONNX importer matches against: main path first, then the shortcut.
        register_module(nameof(conv1), conv1);
        register_module(nameof(bn1), bn1);
        register_module(nameof(relu), relu);
        register_module(nameof(conv2), conv2);
        register_module(nameof(bn2), bn2);
        if (stride != 1 || inPlanes != planes)
        {
            downsample = nn.Sequential(
                nn.Conv2d(inPlanes, planes, 1, stride: stride, bias: false),
                nn.BatchNorm2d(planes));
            register_module(nameof(downsample), downsample);
        }
    }

    public override Tensor forward(Tensor x)
    {
        var main = bn2.call(conv2.call(relu.call(bn1.call(conv1.call(x)))));
        var shortcut = downsample is null ? x : downsample.call(x);
        // Not in place: a hook may still hold bn2's output.
        return relu.call(main + shortcut);
    }
}
