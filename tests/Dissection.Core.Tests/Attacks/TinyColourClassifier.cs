// A real, quickly trained classifier for the attack tests: a small CNN that tells red, green and blue scenes apart,
// with ImageNet preprocessing in front so gradients flow through Preprocessing.Apply like for the real models.
using Dissection.Core.Models;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Attacks;

[CollectionDefinition(Name)]
public sealed class TinyClassifierCollection : ICollectionFixture<TinyColourClassifier>
{
    // Tests sharing the model run one at a time: a probe's hooks would otherwise see another test's forward passes.
    public const string Name = "tiny colour classifier";
}

public sealed class TinyColourClassifier : IDisposable
{
    public const int Size = 32;
    // Named like TorchVision's VGG (a conv inside `features` followed by a ReLU), so the probe captures post-ReLU.
    public const string Layer = "features.conv2";
    public static readonly string[] Classes = ["red", "green", "blue"];

    public LoadedModel Model { get; }

    public TinyColourClassifier()
    {
        torch.manual_seed(1234);
        var module = nn.Sequential(
            ("features", nn.Sequential(
                ("conv1", nn.Conv2d(3, 8, 3, padding: 1)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
                ("conv2", nn.Conv2d(8, 16, 3, padding: 1)), ("relu2", nn.ReLU()))),
            ("gap", nn.AdaptiveAvgPool2d(1)), ("flat", nn.Flatten()), ("fc", nn.Linear(16, 3)));
        var preprocessing = Preprocessing.ImageNet(Size);
        Train(module, preprocessing);
        module.eval();
        Model = new LoadedModel(new ModelSpec("tiny-colour", null), module, preprocessing, CPU, 3, Classes);
    }

    private static void Train(nn.Module<Tensor, Tensor> module, Preprocessing preprocessing)
    {
        module.train();
        var random = new Random(5);
        using var optimizer = optim.Adam(module.parameters(), 0.01);
        for (var step = 0; step < 120; step++)
        {
            using var scope = NewDisposeScope();
            var labels = Enumerable.Range(0, 32).Select(_ => random.Next(3)).ToArray();
            var images = stack(labels.Select(c => Image(c, random)).ToArray());
            var loss = nn.functional.cross_entropy(module.call(preprocessing.Apply(images)),
                tensor(labels.Select(l => (long)l).ToArray()));
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }
    }

    /// <summary>(3,32,32) in [0,1]: dim noise with the class's channel raised, and a saturated white or black patch so
    /// the attack meets both edges of the image box.</summary>
    public static Tensor Image(int cls, Random random)
    {
        var data = new float[3 * Size * Size];
        for (var c = 0; c < 3; c++)
            for (var p = 0; p < Size * Size; p++)
                data[c * Size * Size + p] = (float)(random.NextDouble() * 0.55 + (c == cls ? 0.45 : 0));
        var (py, px, white) = (random.Next(Size - 6), random.Next(Size - 6), random.Next(2) == 1);
        for (var c = 0; c < 3; c++)
            for (var y = py; y < py + 6; y++)
                for (var x = px; x < px + 6; x++)
                    data[c * Size * Size + y * Size + x] = white ? 1f : 0f;
        return tensor(data, [3L, Size, Size]);
    }

    /// <summary>A batch (n,3,32,32) of one class.</summary>
    public static Tensor Images(int cls, int n, int seed)
    {
        var random = new Random(seed);
        return stack(Enumerable.Range(0, n).Select(_ => Image(cls, random)).ToArray());
    }

    /// <summary>Writes an image folder (red/, green/, blue/ subfolders) of PNGs that quantise the same images.</summary>
    public static void WriteFolder(string root, int perClass, int seed)
    {
        var random = new Random(seed);
        for (var cls = 0; cls < 3; cls++)
        {
            Directory.CreateDirectory(System.IO.Path.Combine(root, Classes[cls]));
            for (var i = 0; i < perClass; i++)
            {
                using var t = Image(cls, random);
                var v = t.data<float>().ToArray();
                using var png = new Image<Rgb24>(Size, Size);
                for (var y = 0; y < Size; y++)
                    for (var x = 0; x < Size; x++)
                    {
                        byte B(int c) => (byte)Math.Round(v[c * Size * Size + y * Size + x] * 255);
                        png[x, y] = new Rgb24(B(0), B(1), B(2));
                    }
                png.SaveAsPng(System.IO.Path.Combine(root, Classes[cls], $"{i:D3}.png"));
            }
        }
    }

    public void Dispose() => Model.Dispose();
}
