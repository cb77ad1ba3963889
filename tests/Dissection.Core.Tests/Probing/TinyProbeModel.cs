// A small untrained CNN classifier for single-image probing tests: 120 units at its last conv (more than one chunk of
// ConceptMap's upsampling), 16x16 maps at its 32-px input, and a 4-class head, named like TorchVision's VGG features.
using Dissection.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Probing;

internal static class TinyProbeModel
{
    public const int Size = 32, Units = 120;
    public const string Layer = "features.conv2";
    public static readonly string[] Classes = ["cat", "dog", "cup", "rocket"];

    public static LoadedModel Create(long seed = 7)
    {
        torch.manual_seed(seed);
        var module = nn.Sequential(
            ("features", nn.Sequential(
                ("conv1", nn.Conv2d(3, 12, 3, padding: 1)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
                ("conv2", nn.Conv2d(12, Units, 3, padding: 1)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)))),
            ("gap", nn.AdaptiveAvgPool2d(1)), ("flat", nn.Flatten()), ("fc", nn.Linear(Units, Classes.Length)));
        module.eval();
        return new LoadedModel(new ModelSpec("tiny-probe", null), module, Preprocessing.ImageNet(Size), CPU, Classes.Length, Classes);
    }
}
