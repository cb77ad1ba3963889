// The attack on the demo classifier's own architecture (WorldVgg: BatchNorm, 128 px, ImageNet-style preprocessing):
// every image's target probability rises while the L∞ budget and the image box hold.
using Dissection.Core.Attacks;
using Dissection.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Attacks;

public sealed class WorldVggAttackTests
{
    [Fact]
    public void Attack_on_world_vgg_raises_the_target_and_keeps_the_budget()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(77);
        var module = WorldVgg.Create(10);
        module.eval();
        using var model = new LoadedModel(new ModelSpec("world-vgg", null), module, Preprocessing.ImageNet(WorldVgg.DefaultInputSize), CPU, 10, null);
        var generator = new Generator(5);
        var images = rand([2L, 3, 128, 128], generator: generator);
        var eps = 2 / 255.0;
        using var result = TargetedAttack.Run(model, images, [3, 7], new AttackSettings(eps, Steps: 3, EarlyStop: false));
        Assert.All(result.Outcomes, o => Assert.True(o.TargetProbability > o.CleanTargetProbability));
        Assert.True((result.Images - images).abs().max().item<float>() <= eps + 1e-6);
        Assert.True(result.Images.min().item<float>() >= 0 && result.Images.max().item<float>() <= 1);

        // The layer the demo analyses is probed after its ReLU: no negative peaks.
        var shifts = PeakActivations.Measure(model, "features.conv5_2", images, result.Images);
        Assert.All(shifts, s => Assert.True(s.Clean.Min() >= 0 && s.Adversarial.Min() >= 0));
        Assert.Equal(256, shifts[0].Units);
    }
}
