// imagenet-resnet18 as the rest of the engine sees it: listed by the registry as a feature extractor, preprocessed
// exactly like the package's own preprocessing graph, and probe-able layer by layer.
using Dissection.Core.Instrumentation;
using Dissection.Core.Datasets;
using Dissection.Core.Models;
using Dissection.Core.Models.Onnx;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Models;

[Collection(ImageNetResNet18Fixture.Collection)]
public sealed class ImageNetResNet18PipelineTests(ImageNetResNet18Fixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void Registry_lists_it_as_a_feature_extractor_with_caffe_preprocessing()
    {
        Assert.Contains(ImageNetResNet18.Name, ModelRegistry.Architectures);
        var loaded = fixture.Loaded;
        Assert.Null(loaded.NumClasses);
        Assert.Null(loaded.ClassNames);
        var p = loaded.Preprocessing;
        Assert.Equal(224, p.InputSize);
        Assert.True(p.Bgr);
        Assert.Equal(255f, p.ValueRange);
        Assert.NotNull(p.MeanImage);
        Assert.Equal((224, 224), (p.MeanImage!.Height, p.MeanImage.Width));
        // Channel means of the package's mean image, BGR order (stack notes, check 4).
        Assert.Equal(new[] { 103.06, 115.90, 123.15 }, p.Mean.Select(m => Math.Round(m, 2)));
    }

    [Fact]
    public void Photo_through_our_pipeline_matches_the_packages_pipeline_in_OnnxRuntime()
    {
        using var preprocess = new OnnxRuntimeOracle(ImageNetResNet18.PreprocessPath);
        using var network = new OnnxRuntimeOracle(ImageNetResNet18.ModelPath);
        var loaded = fixture.Loaded;
        int size = loaded.Preprocessing.InputSize;
        foreach (var photo in SamplePhotos.Paths())
        {
            // Our decoder gives RGB in 0..1; the package's graph takes RGB in 0..255.
            var rgb01 = new float[3 * size * size];
            ImageDecoding.DecodeInto(photo, size, rgb01, 0);
            var expected = network.Run(preprocess.Run(rgb01.Select(v => v * 255f).ToArray(), 3, size, size), 3, size, size);

            using var scope = NewDisposeScope();
            using var noGrad = torch.no_grad();
            var input = loaded.Preprocessing.Apply(torch.tensor(rgb01, [1, 3, size, size]));
            var actual = loaded.Module.forward(input).data<float>().ToArray();
            double maxDiff = actual.Zip(expected, (a, b) => Math.Abs(a - b)).Max();
            output.WriteLine($"{Path.GetFileName(photo)}: decode + Preprocessing.Apply + forward vs ONNX Runtime, max abs diff {maxDiff:g3}");
            Assert.True(maxDiff < 1e-4, $"{Path.GetFileName(photo)}: max abs diff {maxDiff:g3}");
        }
    }

    [Fact]
    public void Demo_layers_are_the_last_block_of_each_stage()
    {
        var names = fixture.Loaded.Instrumented.Layers().Select(l => l.Name).ToHashSet();
        foreach (var block in ImageNetResNet18.BlockOutputs)
        {
            Assert.Contains(block, names);
            var (stage, index) = (block[..block.IndexOf('.')], int.Parse(block[(block.IndexOf('.') + 1)..]));
            Assert.DoesNotContain($"{stage}.{index + 1}", names);
        }
        Assert.Equal(["layer1", "layer2", "layer3", "layer4"], ImageNetResNet18.BlockOutputs.Select(b => b[..b.IndexOf('.')]));
    }

    [Fact]
    public void Layers_can_be_listed_and_probed()
    {
        var layers = fixture.Loaded.Instrumented.Layers();
        Assert.Equal(new[] { 512, 7, 7 }, layers.Single(l => l.Name == "layer4").OutputShape);
        Assert.Equal(new[] { 512, 7, 7 }, layers.Single(l => l.Name == "layer4.2").OutputShape);
        Assert.Equal(new[] { 64, 56, 56 }, layers.Single(l => l.Name == "layer1").OutputShape);

        using var probe = fixture.Loaded.Instrumented.Retain(["layer3", "layer4"]);
        using var x = torch.randn(2, 3, 224, 224) * 50;
        var (activations, features) = probe.Run(x);
        using (features)
        {
            Assert.Equal(new long[] { 2, 256, 14, 14 }, activations["layer3"].shape);
            Assert.Equal(new long[] { 2, 512, 7, 7 }, activations["layer4"].shape);
            // The pooled feature is the spatial mean of layer4, which ends in a ReLU.
            using var pooled = activations["layer4"].mean([2, 3]);
            Assert.True(torch.allclose(pooled, features, rtol: 1e-5, atol: 1e-5));
            Assert.True(activations["layer4"].min().item<float>() >= 0f);
        }
        foreach (var a in activations.Values) a.Dispose();
    }
}
