// Small real TorchSharp classifiers with hand-set weights for the ablation tests, wrapped as LoadedModels.
using Dissection.Core.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Ablation;

internal static class AblationModels
{
    public const int Size = 8;

    public static LoadedModel Wrap(nn.Module<Tensor, Tensor> module, int classes, IReadOnlyList<string>? names = null)
    {
        module.eval();
        return new LoadedModel(new ModelSpec("test", null), module, Preprocessing.ImageNet(Size), CPU, classes, names);
    }

    /// <summary>conv (1x1, 3 -> units) + relu + global average pool + flatten + fc, all in one Sequential.
    /// Layer "conv" holds the units (post-ReLU).</summary>
    public static Sequential Sequential(float[,] convWeights, float[,] fcWeights, float[] fcBias)
    {
        int units = convWeights.GetLength(0), classes = fcWeights.GetLength(0);
        var conv = nn.Conv2d(3, units, 1, bias: false);
        var fc = nn.Linear(units, classes);
        using (no_grad())
        {
            conv.weight!.copy_(Tensor(convWeights).view(units, 3, 1, 1));
            fc.weight!.copy_(Tensor(fcWeights));
            fc.bias!.copy_(tensor(fcBias));
        }
        return nn.Sequential(("conv", conv), ("relu", nn.ReLU()), ("pool", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()), ("fc", fc));
    }

    /// <summary>A seeded random Sequential classifier with a 3x3 conv, BatchNorm and a second conv before the head.</summary>
    public static Sequential Random(int units, int classes, int seed)
    {
        manual_seed(seed);
        var bn = nn.BatchNorm2d(units);
        using (no_grad())
        {
            bn.running_mean!.copy_(randn(units) * 0.1);
            bn.running_var!.copy_(rand(units) + 0.5);
        }
        return nn.Sequential(("conv1", nn.Conv2d(3, units, 3, padding: 1)), ("bn1", bn), ("relu1", nn.ReLU()),
            ("conv2", nn.Conv2d(units, units, 3, padding: 1)), ("relu2", nn.ReLU()),
            ("pool", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()), ("fc", nn.Linear(units, classes)));
    }

    public static Tensor Tensor(float[,] values)
    {
        int r = values.GetLength(0), c = values.GetLength(1);
        var flat = new float[r * c];
        for (var i = 0; i < r; i++) for (var j = 0; j < c; j++) flat[i * c + j] = values[i, j];
        return tensor(flat, [r, c]);
    }

    /// <summary>The same layers as Random but composed by a forward the split cannot see (so it must use hooks).</summary>
    public sealed class Opaque : nn.Module<Tensor, Tensor>
    {
        private readonly Sequential body;
        private readonly Linear head;

        public Opaque(Sequential random) : base("Opaque")
        {
            var children = random.named_children().ToDictionary(c => c.name, c => c.module);
            body = nn.Sequential(("conv1", (nn.Module<Tensor, Tensor>)children["conv1"]), ("bn1", (nn.Module<Tensor, Tensor>)children["bn1"]),
                ("relu1", (nn.Module<Tensor, Tensor>)children["relu1"]), ("conv2", (nn.Module<Tensor, Tensor>)children["conv2"]),
                ("relu2", (nn.Module<Tensor, Tensor>)children["relu2"]));
            head = (Linear)children["fc"];
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var f = body.forward(x);
            using var m = f.mean([2, 3]);
            return head.forward(m);
        }
    }

    /// <summary>The world-vgg layout: features (Sequential with named convs), avgpool, classifier (dropout, fc).</summary>
    public sealed class VggLike : nn.Module<Tensor, Tensor>
    {
        private readonly Sequential features;
        private readonly AdaptiveAvgPool2d avgpool;
        private readonly Sequential classifier;

        public VggLike(int units, int classes, int seed) : base("VggLike")
        {
            manual_seed(seed);
            features = nn.Sequential(("conv1_1", nn.Conv2d(3, 6, 3, padding: 1, bias: false)), ("bn1_1", nn.BatchNorm2d(6)),
                ("relu1_1", nn.ReLU()), ("pool1", nn.MaxPool2d(2, 2)),
                ("conv2_1", nn.Conv2d(6, units, 3, padding: 1, bias: false)), ("bn2_1", nn.BatchNorm2d(units)), ("relu2_1", nn.ReLU()));
            avgpool = nn.AdaptiveAvgPool2d(1);
            classifier = nn.Sequential(("dropout", nn.Dropout(0.2)), ("fc", nn.Linear(units, classes)));
            RegisterComponents();
            // Non-zero BatchNorm shifts: zeroing the conv's output would then differ from zeroing the unit after its ReLU.
            using (no_grad())
                foreach (var (name, p) in named_parameters())
                    if (name.Contains("bn", StringComparison.Ordinal) && name.EndsWith("bias", StringComparison.Ordinal)) p.copy_(rand(p.shape) + 0.2);
        }

        public override Tensor forward(Tensor x)
        {
            using var f = features.forward(x);
            using var p = avgpool.forward(f);
            using var flat = p.flatten(1);
            return classifier.forward(flat);
        }
    }
}
