// A ResNet built from BasicBlocks at any depth per stage (TorchVision only builds the standard 18/34 depths;
// the ImageNet featurizer we ship is [2,2,2,3]). Names follow TorchVision: conv1, bn1, layer1..layer4, avgpool, fc.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dissection.Core.Models;

public sealed class BasicResNet : nn.Module<Tensor, Tensor>
{
    /// <summary>Channels of the four stages, as in every torchvision ResNet with BasicBlocks.</summary>
    public static readonly long[] StageWidths = [64, 128, 256, 512];

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu;
    private readonly MaxPool2d maxpool;
    private readonly Sequential[] stages;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Linear? fc;

    /// <summary>Blocks per stage, e.g. [2,2,2,2] for resnet18.</summary>
    public IReadOnlyList<int> Layers { get; }

    /// <summary>Null for a feature extractor, whose output is the pooled, flattened 512-d feature.</summary>
    public int? NumClasses { get; }

    /// <param name="layers">Blocks in each of the four stages.</param>
    /// <param name="numClasses">Size of the classifier head; null builds no head.</param>
    public BasicResNet(IReadOnlyList<int> layers, int? numClasses = null) : base(nameof(BasicResNet))
    {
        if (layers.Count != StageWidths.Length || layers.Any(n => n < 1))
            throw new ArgumentException($"A BasicResNet needs {StageWidths.Length} stages of at least one block, got [{string.Join(",", layers)}].", nameof(layers));
        if (numClasses is < 1) throw new ArgumentException($"numClasses must be positive, got {numClasses}.", nameof(numClasses));
        Layers = layers.ToArray();
        NumClasses = numClasses;

        conv1 = nn.Conv2d(3, 64, 7, stride: 2, padding: 3, bias: false);
        bn1 = nn.BatchNorm2d(64);
        relu = nn.ReLU();
        maxpool = nn.MaxPool2d(3, stride: 2, padding: 1);
        register_module(nameof(conv1), conv1);
        register_module(nameof(bn1), bn1);
        register_module(nameof(relu), relu);
        register_module(nameof(maxpool), maxpool);

        stages = new Sequential[layers.Count];
        long inPlanes = 64;
        for (int s = 0; s < layers.Count; s++)
        {
            long planes = StageWidths[s], stride = s == 0 ? 1 : 2;
            var blocks = new List<nn.Module<Tensor, Tensor>>();
            for (int b = 0; b < layers[s]; b++)
            {
                blocks.Add(new BasicBlock(inPlanes, planes, b == 0 ? stride : 1));
                inPlanes = planes;
            }
            stages[s] = nn.Sequential(blocks);
            register_module($"layer{s + 1}", stages[s]);
        }

        avgpool = nn.AdaptiveAvgPool2d(1);
        register_module(nameof(avgpool), avgpool);
        if (numClasses is int n)
        {
            fc = nn.Linear(inPlanes, n);
            register_module(nameof(fc), fc);
        }
    }

    public override Tensor forward(Tensor x)
    {
        // Children run through call(), not forward(): only call() fires the forward hooks that probes rely on.
        // Like TorchVision, intermediates die with this scope; hooks that keep activations must clone them out.
        using var scope = NewDisposeScope();
        var h = maxpool.call(relu.call(bn1.call(conv1.call(x))));
        foreach (var stage in stages) h = stage.call(h);
        h = avgpool.call(h).flatten(1);
        if (fc is not null) h = fc.call(h);
        return h.MoveToOuterDisposeScope();
    }
}
