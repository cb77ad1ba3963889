// The ImageNet featurizer imported into TorchSharp computes what ONNX Runtime computes from the same ONNX file,
// on real photos; every initializer lands in exactly one parameter; layers carry PyTorch-style probe names.
using Dissection.Core.Models;
using Dissection.Core.Models.Onnx;
using Google.Protobuf;
using Onnx;
using TorchSharp;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Models;

[Collection(ImageNetResNet18Fixture.Collection)]
public sealed class OnnxResNetParityTests(ImageNetResNet18Fixture fixture, ITestOutputHelper output)
{
    private const int Size = 224;

    [Fact]
    public void Pooled_features_match_OnnxRuntime_on_real_photos()
    {
        using var preprocess = new OnnxRuntimeOracle(ImageNetResNet18.PreprocessPath);
        using var network = new OnnxRuntimeOracle(ImageNetResNet18.ModelPath);
        var photos = SamplePhotos.Paths();
        // Both sides get the same input: the package's own preprocessing graph run by ONNX Runtime.
        var inputs = photos.Select(p => preprocess.Run(SamplePhotos.RgbChw255(p, Size), 3, Size, Size)).ToArray();
        var expected = inputs.Select(x => network.Run(x, 3, Size, Size)).ToArray();

        using var scope = NewDisposeScope();
        using var batch = torch.tensor(inputs.SelectMany(x => x).ToArray(), [inputs.Length, 3, Size, Size]);
        using var noGrad = torch.no_grad();
        var actual = fixture.Imported.Module.forward(batch);
        Assert.Equal(new long[] { photos.Length, 512 }, actual.shape);

        for (int i = 0; i < photos.Length; i++)
        {
            var got = actual[i].data<float>().ToArray();
            Assert.Equal(512, expected[i].Length);
            double maxDiff = got.Zip(expected[i], (a, b) => Math.Abs(a - b)).Max();
            output.WriteLine($"{Path.GetFileName(photos[i])}: max abs diff {maxDiff:g3}, max feature {expected[i].Max():g4}");
            Assert.True(maxDiff < 1e-4, $"{Path.GetFileName(photos[i])}: max abs diff {maxDiff:g3} against ONNX Runtime");
            Assert.True(expected[i].Max() > 1f, "the features of a real photo should not be near zero");
        }
        // Different photos give clearly different features, so the comparison above is not vacuous.
        double between = expected[0].Zip(expected[1], (a, b) => Math.Abs(a - b)).Max();
        Assert.True(between > 1f, $"features of two different photos differ by only {between}");
    }

    [Fact]
    public void Depth_is_read_from_the_graph_and_every_initializer_is_used_once()
    {
        var imported = fixture.Imported;
        Assert.Equal(new[] { 2, 2, 2, 3 }, imported.Layers);

        var graph = OnnxGraph.Read(ImageNetResNet18.ModelPath);
        Assert.Equal(graph.Initializers.Count, imported.Mapping.Count);
        Assert.Equal(graph.Initializers.Keys.Order(), imported.Mapping.Select(m => m.Initializer).Order());

        // Every parameter and running statistic of the module is filled, exactly once.
        var targets = imported.Module.named_parameters().Select(p => p.name)
            .Concat(imported.Module.named_buffers().Select(b => b.name).Where(n => !n.EndsWith("num_batches_tracked")));
        Assert.Equal(targets.Order(), imported.Mapping.Select(m => m.Parameter).Order());

        // The stem conv is the one reading the graph input; each 1x1 downsample is a stride-2 conv of the stage input.
        var stem = graph.Nodes.First(n => n.OpType == "Conv" && n.Input[0] == graph.Inputs[0].Name);
        Assert.Contains((stem.Input[1], "conv1.weight"), imported.Mapping);
        var downsamples = imported.Mapping.Where(m => m.Parameter.EndsWith("downsample.0.weight")).ToList();
        Assert.Equal(["layer2.0.downsample.0.weight", "layer3.0.downsample.0.weight", "layer4.0.downsample.0.weight"],
            downsamples.Select(m => m.Parameter));
        Assert.All(downsamples, m => Assert.Equal(new long[] { 1, 1 }, graph.Dims(m.Initializer)[2..]));
    }

    [Fact]
    public void Layers_have_PyTorch_style_names()
    {
        var names = fixture.Imported.Module.named_modules().Select(m => m.name).ToHashSet();
        foreach (var name in new[] { "conv1", "bn1", "layer1", "layer2", "layer3", "layer4", "layer4.2", "layer4.2.conv2", "layer2.0.downsample.0", "avgpool" })
            Assert.Contains(name, names);
        Assert.DoesNotContain("fc", names);
        Assert.DoesNotContain("layer4.3", names);
    }

    [Fact]
    public void Mapping_follows_data_flow_not_file_order_or_names()
    {
        // Rewrite the file with its nodes in reverse order and every initializer renamed: the import must not change.
        var model = ShippedOnnx.Clone();
        var rename = model.Graph.Initializer.Select((t, i) => (t.Name, New: $"w{model.Graph.Initializer.Count - i}")).ToDictionary(p => p.Name, p => p.New);
        foreach (var t in model.Graph.Initializer) t.Name = rename[t.Name];
        foreach (var input in model.Graph.Input) if (rename.TryGetValue(input.Name, out var n)) input.Name = n;
        var nodes = model.Graph.Node.Reverse().ToList();
        model.Graph.Node.Clear();
        foreach (var node in nodes)
        {
            for (int i = 0; i < node.Input.Count; i++) if (rename.TryGetValue(node.Input[i], out var n)) node.Input[i] = n;
            model.Graph.Node.Add(node);
        }
        var dir = Directory.CreateTempSubdirectory("onnx-shuffled-");
        try
        {
            var path = Path.Combine(dir.FullName, "shuffled.onnx");
            File.WriteAllBytes(path, model.ToByteArray());
            var shuffled = OnnxResNet.Import(OnnxGraph.Read(path));
            using var _ = shuffled.Module;
            Assert.Equal(fixture.Imported.Mapping.Select(m => (rename[m.Initializer], m.Parameter)).Order(), shuffled.Mapping.Order());

            var original = fixture.Imported.Module.state_dict();
            foreach (var (key, value) in shuffled.Module.state_dict())
                Assert.True(value.eq(original[key]).all().item<bool>(), $"{key} differs after reordering the file");
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void Default_preprocessing_comes_from_the_packages_mean_image()
    {
        var pre = ImageNetResNet18.DefaultPreprocessing();
        Assert.Equal(224, pre.InputSize);
        Assert.True(pre.Bgr);
        Assert.Equal(255f, pre.ValueRange);
        Assert.Equal(new[] { 1f, 1f, 1f }, pre.Std);
        // Channel means of the mean image in BGR order, as measured in the stack notes.
        Assert.Equal(103.06, pre.Mean[0], 0.01);
        Assert.Equal(115.90, pre.Mean[1], 0.01);
        Assert.Equal(123.15, pre.Mean[2], 0.01);
    }
}
