// The instrumented model's cut reproduces the model for every supported pattern (and a generator, which lists its own
// steps), cuts after a conv's BatchNorm and ReLU, and refuses (with a reason) what it cannot cut, so ablation falls
// back to hooks.
using Dissection.Core.Instrumentation;
using Dissection.Core.Tests.Ablation;
using Dissection.Core.Tests.Gan;
using Dissection.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Instrumentation;

public sealed class LayerCutTests
{
    private static void AssertReproduces(LoadedModel model, LayerCut split, int size)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn([2, 3, size, size], generator: new Generator(77));
        Assert.True(allclose(model.Module.call(x), split.Tail(split.Head(x)), rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void A_world_vgg_style_model_splits_after_the_convs_batchnorm_and_relu()
    {
        using var model = AblationModels.Wrap(new AblationModels.VggLike(8, 3, seed: 4), 3);
        var split = model.Instrumented.TryCut("features.conv2_1", out var reason);
        Assert.True(split is not null, reason);
        Assert.Equal("features.relu2_1", split.CutAfter);
        Assert.Equal(["avgpool", "flatten", "classifier.dropout", "classifier.fc"], split.TailSteps);
        AssertReproduces(model, split, AblationModels.Size);
        using var scope = NewDisposeScope();
        Assert.True(split.Head(randn(3, 3, 8, 8)).min().item<float>() >= 0);   // post-ReLU units
    }

    [Fact]
    public void Moving_the_global_pool_into_the_head_gives_the_same_logits_for_every_set_of_zeroed_units()
    {
        using var model = AblationModels.Wrap(new AblationModels.VggLike(8, 3, seed: 4), 3);
        var split = model.Instrumented.TryCut("features.conv2_1", out var reason)!;
        var pooled = model.Instrumented.TryCut("features.conv2_1", out reason, poolIntoHead: true);
        Assert.True(pooled is not null, reason);
        Assert.Equal(["flatten", "classifier.dropout", "classifier.fc"], pooled.TailSteps);
        Assert.True(pooled.PoolsInHead);
        Assert.False(split.PoolsInHead);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn([3, 3, AblationModels.Size, AblationModels.Size], generator: new Generator(5));
        var maps = split.Head(x);
        var pooledUnits = pooled.Head(x);
        Assert.Equal(new long[] { 3, maps.shape[1], 1, 1 }, pooledUnits.shape);
        var gen = new Generator(6);
        for (var trial = 0; trial < 5; trial++)
        {
            var keep = (rand([1, maps.shape[1], 1, 1], generator: gen) > 0.5).to_type(ScalarType.Float32);
            Assert.True(allclose(split.Tail(maps * keep), pooled.Tail(pooledUnits * keep), rtol: 1e-5, atol: 1e-6));
        }
    }

    [Fact]
    public void TorchVision_resnet_and_alexnet_split_at_their_stages()
    {
        using var resnet = new LoadedModel(new ModelSpec("resnet18", null), torchvision.models.resnet18(num_classes: 5),
            Preprocessing.ImageNet(64), CPU, 5, null);
        resnet.Module.eval();
        var r = resnet.Instrumented.TryCut("layer3", out var reason);
        Assert.True(r is not null, reason);
        Assert.Equal("layer3.1", r.CutAfter);
        AssertReproduces(resnet, r, 64);
        Assert.Null(resnet.Instrumented.TryCut("layer4.1.conv2", out reason));
        Assert.Contains("residual block", reason);

        using var alexnet = new LoadedModel(new ModelSpec("alexnet", null), torchvision.models.alexnet(num_classes: 5),
            Preprocessing.ImageNet(67), CPU, 5, null);
        alexnet.Module.eval();
        var a = alexnet.Instrumented.TryCut("features.8", out reason);
        Assert.True(a is not null, reason);
        Assert.Equal("features.9", a.CutAfter);   // the conv's ReLU
        AssertReproduces(alexnet, a, 67);
    }

    [Fact]
    public void A_model_with_an_unknown_forward_is_not_split()
    {
        using var model = AblationModels.Wrap(new AblationModels.Opaque(AblationModels.Random(4, 3, 1)), 3);
        Assert.Null(model.Instrumented.TryCut("body.conv2", out var reason));
        Assert.Contains("Opaque", reason);
    }

    [Fact]
    public void The_output_layer_cannot_be_split_off()
    {
        using var model = AblationModels.Wrap(AblationModels.Random(4, 3, 1), 3);
        Assert.Null(model.Instrumented.TryCut("fc", out var reason));
        Assert.Contains("output", reason);
    }

    [Fact]
    public void A_generator_is_cut_at_its_blocks_and_refuses_its_output_block()
    {
        using var g = GanFixture.Generator();
        var instrumented = InstrumentedModel.Of(g);
        var cut = instrumented.Cut("layer2");
        Assert.Equal(["layer3", "layer4", "output_8x8"], cut.TailSteps);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var z = randn([3, 8], generator: new Generator(2));
        // By hand: z viewed as (N,Z,1,1), then every block in order.
        var x = z.view(3, 8, 1, 1);
        foreach (var (_, m) in g.named_children()) x = ((nn.Module<Tensor, Tensor>)m).call(x);
        Assert.True(cut.Tail(cut.Head(z)).eq(x).all().item<bool>());
        Assert.Null(instrumented.TryCut("output_8x8", out var reason));
        Assert.Contains("output", reason);
        Assert.Contains("unknown layer 'layer7'", Assert.Throws<ArgumentException>(() => instrumented.Cut("layer7")).Message);
    }
}
