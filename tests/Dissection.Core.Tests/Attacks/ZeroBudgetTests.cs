// With ε = 0 an attack cannot change anything: the same image and the same probabilities, whatever the schedule.
using Dissection.Core.Attacks;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Attacks;

[Collection(TinyClassifierCollection.Name)]
public sealed class ZeroBudgetTests(TinyColourClassifier tiny)
{
    [Theory]
    [InlineData(AttackNorm.Linf, false)]
    [InlineData(AttackNorm.Linf, true)]
    [InlineData(AttackNorm.L2, true)]
    public void Zero_budget_changes_nothing(AttackNorm norm, bool randomStart)
    {
        using var scope = NewDisposeScope();
        var blue = TinyColourClassifier.Images(2, 3, seed: 21);
        // A step size is given explicitly: the projection, not a zero default step, must hold the image in place.
        var settings = new AttackSettings(0, Steps: 5, StepSize: 0.1, Norm: norm, RandomStart: randomStart, Seed: 9, EarlyStop: false);
        using var result = TargetedAttack.Run(tiny.Model, blue, [0, 1, 0], settings);
        Assert.True(result.Images.eq(blue).all().item<bool>());
        Assert.All(result.Outcomes, o =>
        {
            Assert.Equal(o.CleanProbabilities, o.AdversarialProbabilities);
            Assert.Equal(0, o.Linf);
            Assert.Equal(0, o.L2);
            Assert.False(o.Success);
        });
    }
}
