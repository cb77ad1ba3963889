// The instrumented model on real TorchVision models and a generator: layer listing, post-ReLU capture, one-pass
// multi-layer capture (stopping after the last retained layer), and the editing hook.
using Dissection.Core.Instrumentation;
using Dissection.Core.Models;
using Dissection.Core.Tests.Gan;
using TorchSharp;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Instrumentation;

public class InstrumentedModelTests
{
    private static LoadedModel Load(string arch, int size) => ModelRegistry.Load(ModelSpec.Parse(arch), new ModelOptions("cpu", InputSize: size));

    [Fact]
    public void ListLayers_resnet_18_at_224_has_PyTorch_names_and_shapes()
    {
        using var model = Load("resnet18", 224);
        var layers = model.Instrumented.Layers().ToDictionary(l => l.Name);
        Assert.Equal([512, 7, 7], layers["layer4"].OutputShape);
        Assert.Equal([512, 7, 7], layers["layer4.1.conv2"].OutputShape);
        Assert.Equal("Conv2d", layers["layer4.1.conv2"].ModuleType);
        Assert.Equal([64, 112, 112], layers["conv1"].OutputShape);
        Assert.Equal([256, 14, 14], layers["layer3"].OutputShape);
        Assert.Equal([1000], layers["fc"].OutputShape);
        // PyTorch's depth-first order: a container comes before its children.
        var names = model.Instrumented.Layers().Select(l => l.Name).ToList();
        Assert.True(names.IndexOf("layer4") < names.IndexOf("layer4.0") && names.IndexOf("layer4.0") < names.IndexOf("layer4.0.conv1"));
    }

    [Fact]
    public void Conv_followed_by_Relu_is_captured_after_the_Relu()
    {
        using var model = Load("alexnet", 64);
        Assert.Equal("features.1", model.Instrumented.Resolve("features.0"));
        Assert.Equal("features.2", model.Instrumented.Resolve("features.2")); // a pool stays itself

        using var probe = model.Instrumented.Retain(["features.0"]);
        using var input = randn(2, 3, 64, 64);
        var (acts, output) = probe.Run(input);
        using var captured = acts["features.0"];
        using var _ = output;

        // Brute force: the first conv of TorchVision's AlexNet (k11, stride 4, pad 2), then ReLU, by hand.
        var conv = (TorchSharp.Modules.Conv2d)model.Module.named_modules().First(p => p.name == "features.0").module;
        using var byHand = nn.functional.relu(nn.functional.conv2d(input, conv.weight!, conv.bias, strides: [4, 4], padding: [2, 2]));
        Assert.Equal(byHand.shape, captured.shape);
        Assert.True(captured.min().item<float>() >= 0f, "post-ReLU capture has negative values");
        Assert.True(captured.allclose(byHand, rtol: 1e-4, atol: 1e-5));
        Assert.True((captured > 0).any().item<bool>(), "capture is all zeros");
    }

    [Fact]
    public void One_forward_pass_captures_several_layers()
    {
        using var model = Load("resnet18", 64);
        var forwards = 0;
        var root = model.Module;
        var counter = root.register_forward_hook((_, _, o) => { forwards++; return o; });
        try
        {
            using var probe = model.Instrumented.Retain(["layer2", "layer4", "layer4.1.conv2", "conv1"]);
            using var input = randn(3, 3, 64, 64);
            var (acts, output) = probe.Run(input);
            Assert.Equal(1, forwards);
            Assert.Equal([3, 128, 8, 8], acts["layer2"].shape);
            Assert.Equal([3, 512, 2, 2], acts["layer4"].shape);
            Assert.Equal([3, 512, 2, 2], acts["layer4.1.conv2"].shape);
            Assert.Equal([3, 64, 32, 32], acts["conv1"].shape);
            Assert.Equal([3, 1000], output.shape);

            // Captures outlive TorchVision's internal dispose scopes and match a plain forward of the same module.
            using var pooled = acts["layer4"].mean([2, 3]);
            using (no_grad())
            {
                var fc = (nn.Module<Tensor, Tensor>)model.Module.named_modules().First(p => p.name == "fc").module;
                using var logits = fc.forward(pooled);
                Assert.True(logits.allclose(output, rtol: 1e-4, atol: 1e-5));
            }
            foreach (var t in acts.Values) t.Dispose();
            output.Dispose();
        }
        finally { counter.remove(); }
    }

    [Fact]
    public void Unknown_layer_throws_listing_valid_names()
    {
        using var model = Load("resnet18", 64);
        var e = Assert.Throws<ArgumentException>(() => model.Instrumented.Retain(["layer9"]));
        Assert.Contains("layer9", e.Message);
        Assert.Contains("layer1", e.Message);
    }

    [Fact]
    public void Edit_changes_outputs_and_removal_restores_them_exactly()
    {
        using var model = Load("resnet18", 64);
        using var input = randn(2, 3, 64, 64);
        Tensor Forward() { using var g = no_grad(); return model.Module.forward(input); }

        using var before = Forward();
        Tensor edited, captured;
        using (model.Instrumented.Edit("layer4", t => { var c = t.clone(); c[TensorIndex.Colon, 0] = 0; return c; }))
        {
            edited = Forward();
            using var probe = model.Instrumented.Retain(["layer4"]);
            var (acts, output) = probe.Run(input);
            captured = acts["layer4"];
            output.Dispose();
        }
        using var after = Forward();

        Assert.False(edited.allclose(before), "the edit did not change the logits");
        Assert.True(after.eq(before).all().item<bool>(), "outputs differ after the edit was removed");
        // The probe registered after the edit sees the edited activations.
        Assert.Equal(0f, captured[TensorIndex.Colon, 0].abs().max().item<float>());
        edited.Dispose();
        captured.Dispose();
    }

    [Fact]
    public void Dispose_removes_probe_hooks()
    {
        using var model = Load("alexnet", 64);
        using var input = randn(1, 3, 64, 64);
        var probe = model.Instrumented.Retain(["features.3"]);
        probe.Dispose();
        // A disposed probe cannot run, and the model still runs without its hooks.
        Assert.Throws<ObjectDisposedException>(() => probe.Run(input));
        using var g = no_grad();
        using var o = model.Module.forward(input);
        Assert.Equal([1, 1000], o.shape);
    }

    [Fact]
    public void Capture_stops_after_the_last_retained_layer_and_equals_a_full_run()
    {
        using var g = GanFixture.Generator();
        using var z = randn(2, 8, generator: new Generator(3));
        var outputRuns = 0;
        var output = (nn.Module<Tensor, Tensor>)g.named_children().Last().module;
        var counter = output.register_forward_hook((_, _, o) => { outputRuns++; return o; });
        try
        {
            using var retained = InstrumentedModel.Of(g).Retain(["layer3", "layer2"]);
            var captured = retained.Capture(z);
            Assert.Equal(0, outputRuns);
            var (full, image) = retained.Run(z);
            Assert.Equal(1, outputRuns);
            foreach (var l in new[] { "layer2", "layer3" })
                Assert.True(captured[l].eq(full[l]).all().item<bool>(), l);
            foreach (var t in captured.Values.Concat(full.Values)) t.Dispose();
            image.Dispose();
        }
        finally { counter.remove(); }
    }
}
