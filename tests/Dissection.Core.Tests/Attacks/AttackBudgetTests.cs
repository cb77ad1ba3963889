// A targeted attack raises the target's probability on a trained classifier while staying inside its budget and
// inside the image box [0,1], for both norms.
using Dissection.Core.Attacks;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Attacks;

[Collection(TinyClassifierCollection.Name)]
public sealed class AttackBudgetTests(TinyColourClassifier tiny)
{
    [Theory]
    [InlineData(AttackNorm.Linf, 8 / 255.0, false)]
    [InlineData(AttackNorm.Linf, 4 / 255.0, true)]
    [InlineData(AttackNorm.L2, 0.75, false)]
    [InlineData(AttackNorm.L2, 0.5, true)]
    public void Attack_raises_the_target_probability_and_respects_the_budget(AttackNorm norm, double eps, bool randomStart)
    {
        using var scope = NewDisposeScope();
        var red = TinyColourClassifier.Images(0, 6, seed: 11);
        var settings = new AttackSettings(eps, Steps: 10, Norm: norm, RandomStart: randomStart, Seed: 3, EarlyStop: false);
        using var result = TargetedAttack.Run(tiny.Model, red, Enumerable.Repeat(2, 6).ToList(), settings);

        // Norms by loops over every pixel value, in double precision.
        var adv = result.Images.data<float>().ToArray();
        var clean = red.data<float>().ToArray();
        var per = adv.Length / 6;
        var linf = new double[6];
        var l2 = new double[6];
        for (var i = 0; i < 6; i++)
        {
            double sq = 0;
            for (var k = i * per; k < (i + 1) * per; k++)
            {
                var d = (double)adv[k] - clean[k];
                linf[i] = Math.Max(linf[i], Math.Abs(d));
                sq += d * d;
            }
            l2[i] = Math.Sqrt(sq);
        }
        Assert.True(result.Images.min().item<float>() >= 0f);
        Assert.True(result.Images.max().item<float>() <= 1f);
        for (var i = 0; i < 6; i++)
        {
            var o = result.Outcomes[i];
            Assert.Equal(0, o.CleanClass);  // the model does classify the clean image as red
            Assert.True(o.TargetProbability > o.CleanTargetProbability,
                $"image {i}: target probability {o.CleanTargetProbability} -> {o.TargetProbability}");
            Assert.Equal(10, o.Steps);
            if (norm == AttackNorm.Linf) Assert.True(linf[i] <= eps + 1e-6, $"L∞ {linf[i]} > ε {eps}");
            else Assert.True(l2[i] <= eps * (1 + 1e-5), $"L2 {l2[i]} > ε {eps}");
            // The reported norms are the measured ones.
            Assert.Equal(linf[i], o.Linf, 9);
            Assert.Equal(l2[i], o.L2, 9);
            // The step uses the budget: an attack that never moved would pass the checks above trivially.
            Assert.True(norm == AttackNorm.Linf ? linf[i] > eps / 2 : l2[i] > eps / 2);
        }
        // The reported probabilities are those of a fresh forward pass on the returned image.
        using var noGrad = no_grad();
        var probs = nn.functional.softmax(tiny.Model.Module.call(tiny.Model.Preprocessing.Apply(result.Images)), 1);
        Assert.Equal(result.Outcomes[0].AdversarialProbabilities, probs[0].data<float>().ToArray());
    }

    [Fact]
    public void A_large_budget_flips_every_prediction_and_early_stop_reports_fewer_steps()
    {
        using var scope = NewDisposeScope();
        var green = TinyColourClassifier.Images(1, 4, seed: 12);
        var settings = new AttackSettings(0.3, Steps: 40, StepSize: 0.02);
        using var result = TargetedAttack.Run(tiny.Model, green, [0, 0, 2, 2], settings);
        Assert.All(result.Outcomes, o =>
        {
            Assert.True(o.Success, $"target {o.Target} not reached: p={o.TargetProbability}");
            Assert.Equal(o.Target, o.AdversarialClass);
            Assert.InRange(o.Steps, 1, 39);
            Assert.True(o.SourceProbability < o.CleanProbability);
        });
    }

    [Fact]
    public void Projection_lands_inside_both_the_ball_and_the_box()
    {
        using var scope = NewDisposeScope();
        var x0 = tensor(new float[] { 0f, 1f, 0.5f, 0.99f, 0.01f, 0.3f }).view(1, 6, 1, 1);
        var far = tensor(new float[] { -3f, 4f, 0.9f, 2f, -1f, 0.3f }).view(1, 6, 1, 1);
        var linf = TargetedAttack.Project(x0, far, 0.1, AttackNorm.Linf).data<float>().ToArray();
        Assert.Equal(new[] { 0f, 1f, 0.6f, 1f, 0f, 0.3f }, linf, (a, b) => Math.Abs(a - b) < 1e-6);
        var l2 = TargetedAttack.Project(x0, far.clamp(0, 1), 0.2, AttackNorm.L2);
        var d = (l2 - x0).flatten();
        Assert.True(d.norm().item<float>() <= 0.2f * (1 + 1e-6));
        Assert.True(l2.min().item<float>() >= 0 && l2.max().item<float>() <= 1);
        // Inside the ball nothing changes.
        var near = x0 + 0.01;
        Assert.True(TargetedAttack.Project(x0, near.clamp(0, 1), 1.0, AttackNorm.L2).eq(near.clamp(0, 1)).all().item<bool>());
    }
}
