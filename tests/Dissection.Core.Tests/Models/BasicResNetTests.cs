// Our BasicResNet is TorchVision's ResNet at other depths: at [2,2,2,2] with a 1000-way head it has resnet18's
// exact state-dict keys and shapes, and computes the same logits from the same weights.
using Dissection.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Models;

public sealed class BasicResNetTests
{
    [Fact]
    public void Matches_TorchVision_ResNet18_with_the_same_weights()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(7);
        using var reference = torchvision.models.resnet18();
        using (torch.no_grad())
            foreach (var (name, buffer) in reference.named_buffers())
                if (name.EndsWith("running_mean")) buffer.copy_(torch.randn(buffer.shape) * 0.1);
                else if (name.EndsWith("running_var")) buffer.copy_(torch.rand(buffer.shape) + 0.5);
        reference.eval();

        using var ours = new BasicResNet([2, 2, 2, 2], numClasses: 1000);
        var theirs = reference.state_dict();
        var mine = ours.state_dict();
        Assert.Equal(theirs.Keys.Order(), mine.Keys.Order());
        foreach (var (key, value) in theirs) Assert.Equal(value.shape, mine[key].shape);
        ours.load_state_dict(theirs, strict: true);
        ours.eval();

        using var noGrad = torch.no_grad();
        var x = torch.randn(2, 3, 96, 96);
        var expected = reference.forward(x);
        var actual = ours.forward(x);
        Assert.Equal(new long[] { 2, 1000 }, actual.shape);
        double maxDiff = (expected - actual).abs().max().item<float>();
        Assert.True(maxDiff < 1e-4, $"logits differ by {maxDiff}");
    }

    [Fact]
    public void Without_head_returns_pooled_features_at_any_depth()
    {
        using var model = new BasicResNet([1, 1, 2, 3]);
        model.eval();
        using var noGrad = torch.no_grad();
        using var x = torch.randn(1, 3, 64, 64);
        using var y = model.forward(x);
        Assert.Equal(new long[] { 1, 512 }, y.shape);
        var names = model.named_modules().Select(m => m.name).ToHashSet();
        Assert.Contains("layer4.2.conv2", names);
        Assert.Contains("layer1.0.conv1", names);
        Assert.DoesNotContain("layer1.0.downsample", names);
        Assert.DoesNotContain("fc", names);
    }

    [Fact]
    public void Rejects_anything_but_four_stages()
    {
        Assert.Throws<ArgumentException>(() => new BasicResNet([2, 2, 2]));
        Assert.Throws<ArgumentException>(() => new BasicResNet([2, 0, 2, 2]));
        Assert.Throws<ArgumentException>(() => new BasicResNet([2, 2, 2, 2], numClasses: 0));
    }
}
