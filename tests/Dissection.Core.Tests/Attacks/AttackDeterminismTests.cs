// A random start is drawn from a seeded generator: one seed always gives the same adversarial image.
using Dissection.Core.Attacks;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Attacks;

[Collection(TinyClassifierCollection.Name)]
public sealed class AttackDeterminismTests(TinyColourClassifier tiny)
{
    [Theory]
    [InlineData(AttackNorm.Linf)]
    [InlineData(AttackNorm.L2)]
    public void Same_seed_gives_the_identical_adversarial_image(AttackNorm norm)
    {
        using var scope = NewDisposeScope();
        var red = TinyColourClassifier.Images(0, 2, seed: 31);
        var eps = norm == AttackNorm.Linf ? 4 / 255.0 : 0.3;
        AdversarialBatch Attack(long seed) => TargetedAttack.Run(tiny.Model, red, [1, 2],
            new AttackSettings(eps, Steps: 3, Norm: norm, RandomStart: true, Seed: seed, EarlyStop: false));
        // Other torch randomness between the calls must not matter.
        using var a = Attack(7);
        _ = rand(100);
        using var b = Attack(7);
        using var c = Attack(8);
        Assert.True(a.Images.eq(b.Images).all().item<bool>());
        Assert.Equal(a.Outcomes.Select(o => o.TargetProbability), b.Outcomes.Select(o => o.TargetProbability));
        Assert.False(a.Images.eq(c.Images).all().item<bool>());
    }
}
