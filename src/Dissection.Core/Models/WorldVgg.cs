// The demo classifier: a small VGG-like CNN with PyTorch-style layer names, sized to train on 2 CPU cores.
// Five conv blocks (16-32-64-128-256 channels, one conv each and two in the last) with BatchNorm; pooling after blocks
// 1-3 only keeps conv4 and conv5 at 1/8 of the input (16x16 at 128 px, like VGG-16's 14x14 conv5 at 224 px): at 8x8 a
// unit's upsampled mask was too coarse to outline a house or a car, which capped the IoU of every object detector.
// Global average pooling keeps the head tiny. One conv per early block halves the cost of the VGG pattern, which
// matters on a 2-core machine; the receptive field of conv5_2 still spans ~70 px of a 128 px image.
// State-dict keys look like features.conv5_2.weight, classifier.fc.bias.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dissection.Core.Models;

public static class WorldVgg
{
    public const int DefaultInputSize = 128;

    /// <summary>Channels and convs per block, in order; conv names are conv{block}_{k}.</summary>
    internal static readonly (int Channels, int Convs)[] Blocks = [(16, 1), (32, 1), (64, 1), (128, 1), (256, 2)];

    /// <summary>Blocks followed by 2x2 max pooling (the first three).</summary>
    private const int PooledBlocks = 3;

    /// <summary>The dissection target layers, first to last.</summary>
    public static IReadOnlyList<string> ConvLayers { get; } =
        Blocks.SelectMany((b, i) => Enumerable.Range(1, b.Convs).Select(k => $"features.conv{i + 1}_{k}")).ToArray();

    /// <summary>Builds the untrained network for the given number of scene classes.</summary>
    public static nn.Module<Tensor, Tensor> Create(int numClasses)
    {
        if (numClasses < 2) throw new ArgumentException($"a classifier needs at least 2 classes, got {numClasses}");
        return new WorldVggNet(numClasses);
    }

    private sealed class WorldVggNet : nn.Module<Tensor, Tensor>
    {
        private readonly Sequential features;
        private readonly AdaptiveAvgPool2d avgpool;
        private readonly Sequential classifier;

        public WorldVggNet(int numClasses) : base("WorldVgg")
        {
            var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
            var inC = 3;
            for (var b = 0; b < Blocks.Length; b++)
            {
                var (outC, convs) = Blocks[b];
                for (var k = 1; k <= convs; k++)
                {
                    var n = $"{b + 1}_{k}";
                    layers.Add(($"conv{n}", nn.Conv2d(inC, outC, 3, padding: 1, bias: false)));
                    layers.Add(($"bn{n}", nn.BatchNorm2d(outC)));
                    layers.Add(($"relu{n}", nn.ReLU()));
                    inC = outC;
                }
                if (b < PooledBlocks) layers.Add(($"pool{b + 1}", nn.MaxPool2d(2, 2)));
            }
            features = nn.Sequential(layers);
            avgpool = nn.AdaptiveAvgPool2d(1);
            classifier = nn.Sequential(("dropout", nn.Dropout(0.2)), ("fc", nn.Linear(inC, numClasses)));
            RegisterComponents();
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
