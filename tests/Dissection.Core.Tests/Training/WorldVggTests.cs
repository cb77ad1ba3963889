// The demo classifier builds with PyTorch-style layer names and maps an image batch to one logit per scene.
using Dissection.Core.Models;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Training;

public class WorldVggTests
{
    [Fact]
    public void Has_named_conv_layers_and_classifier_head()
    {
        using var model = WorldVgg.Create(10);
        var names = model.named_modules().Select(m => m.name).ToHashSet();
        foreach (var layer in WorldVgg.ConvLayers) Assert.Contains(layer, names);
        Assert.Contains("features.conv1_1", names);
        Assert.Contains("features.relu5_2", names);
        Assert.Contains("features.pool3", names);
        Assert.DoesNotContain("features.pool4", names);
        Assert.Contains("classifier.fc", names);
        var keys = model.state_dict().Keys.ToHashSet();
        Assert.Contains("features.conv5_2.weight", keys);
        Assert.Contains("features.bn5_2.running_mean", keys);
        Assert.Contains("classifier.fc.weight", keys);
        var parameters = model.parameters().Sum(p => p.numel());
        Assert.InRange(parameters, 500_000, 5_000_000);
    }

    [Fact]
    public void Forward_gives_one_logit_per_class_and_conv_5_is_one_eighth()
    {
        using var model = WorldVgg.Create(7);
        model.eval();
        using var x = rand(2, 3, 128, 128);
        using var y = model.forward(x);
        Assert.Equal([2L, 7L], y.shape);

        var conv5 = (TorchSharp.Modules.Conv2d)model.named_modules().First(m => m.name == "features.conv5_2").module;
        long[]? shape = null;
        var hook = conv5.register_forward_hook((_, _, output) => { shape = output.shape; return output; });
        using var _ = model.forward(x);
        hook.remove();
        Assert.Equal([2L, 256L, 16L, 16L], shape!);
    }

    [Fact]
    public void Rejects_fewer_than_two_classes() => Assert.Throws<ArgumentException>(() => WorldVgg.Create(1));
}
