// Bad attack input is refused with a message that names what is wrong, before any work is done.
using Dissection.Core.Attacks;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Attacks;

[Collection(TinyClassifierCollection.Name)]
public sealed class AttackInputErrorTests(TinyColourClassifier tiny)
{
    [Theory]
    [InlineData(-0.01, AttackNorm.Linf, "ε must be")]
    [InlineData(1.5, AttackNorm.Linf, "within [0, 1]")]
    [InlineData(double.NaN, AttackNorm.L2, "ε must be")]
    [InlineData(1000.0, AttackNorm.L2, "allows any image")]
    public void Out_of_range_budgets_are_refused(double eps, AttackNorm norm, string message)
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() =>
            TargetedAttack.Run(tiny.Model, TinyColourClassifier.Images(0, 1, 1), [1], new AttackSettings(eps, Norm: norm)));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Unknown_targets_and_non_images_are_refused()
    {
        using var scope = NewDisposeScope();
        var image = TinyColourClassifier.Images(0, 1, 1);
        Assert.Contains("has 3 classes", Assert.Throws<ArgumentException>(() =>
            TargetedAttack.Run(tiny.Model, image, [3], new AttackSettings(0.01))).Message);
        Assert.Contains("[0,1]", Assert.Throws<ArgumentException>(() =>
            TargetedAttack.Run(tiny.Model, tiny.Model.Preprocessing.Apply(image), [1], new AttackSettings(0.01))).Message);
        Assert.Contains("steps", Assert.Throws<ArgumentException>(() =>
            TargetedAttack.Run(tiny.Model, image, [1], new AttackSettings(0.01, Steps: -1))).Message);
    }

    [Theory]
    [InlineData("4/255", 4 / 255.0)]
    [InlineData("0.5", 0.5)]
    [InlineData(" 1e-2 ", 0.01)]
    public void Budgets_read_as_numbers_or_fractions(string text, double expected) =>
        Assert.Equal(expected, AttackSettings.ParseAmount(text), 12);

    [Theory]
    [InlineData("four")]
    [InlineData("4/0")]
    [InlineData("4/x")]
    public void Unreadable_budgets_are_refused(string text) =>
        Assert.Throws<ArgumentException>(() => AttackSettings.ParseAmount(text));
}
