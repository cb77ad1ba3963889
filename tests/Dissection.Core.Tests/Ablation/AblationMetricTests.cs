// The per-class accuracy and balanced accuracy of every single-unit ablation equal a brute-force computation:
// the layers run by hand with the unit zeroed, and the one-vs-rest counts taken image by image.
using Dissection.Core.Ablation;
using TorchSharp;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Ablation;

public sealed class AblationMetricTests
{
    [Fact]
    public void Single_unit_metrics_equal_a_brute_force_computation()
    {
        const int units = 6, classes = 4, n = 37;
        var seq = AblationModels.Random(units, classes, seed: 7);
        // Weights from a generator of our own: the global one is shared with tests running in parallel, which made
        // this model differ from run to run; with these, removing a single unit does change predictions.
        var gen = new Generator(3);
        using (no_grad())
            foreach (var p in seq.parameters()) p.copy_(randn(p.shape, generator: gen) * 0.5);
        using var model = AblationModels.Wrap(seq, classes);
        var x = randn([n, 3, AblationModels.Size, AblationModels.Size], generator: gen);
        var labels = Enumerable.Range(0, n).Select(i => (i * 7 + i / 5) % classes).ToArray();

        using var session = AblationSession.ForInputs(model, "conv2", x, labels, new AblationSettings { BatchSize = 5 });
        // Evaluate returns the baseline first, then one result per removed set: measured[u + 1] is unit u removed.
        // (The sets once began with an empty one, which shifted every unit's result by one; with weights under which
        // single units barely matter that went unnoticed, and it failed only when the global RNG gave other weights.)
        var measured = session.Evaluate(Enumerable.Range(0, units).Select(u => (IReadOnlyCollection<int>)[u]).ToList());

        var m = seq.named_children().ToDictionary(c => c.name, c => (nn.Module<Tensor, Tensor>)c.module);
        for (var u = -1; u < units; u++)
        {
            var predictions = new int[n];
            using (no_grad())
                for (var i = 0; i < n; i++)
                {
                    var a = m["relu2"].call(m["conv2"].call(m["relu1"].call(m["bn1"].call(m["conv1"].call(x[i].unsqueeze(0))))));
                    if (u >= 0) a[0, u].zero_();
                    predictions[i] = (int)m["fc"].call(m["flatten"].call(m["pool"].call(a))).argmax(1).item<long>();
                }
            var got = measured[u + 1];
            for (var c = 0; c < classes; c++)
            {
                int tp = 0, fn = 0, fp = 0, tn = 0;
                for (var i = 0; i < n; i++)
                {
                    if (labels[i] == c) { if (predictions[i] == c) tp++; else fn++; }
                    else { if (predictions[i] == c) fp++; else tn++; }
                }
                var recall = (double)tp / (tp + fn);
                var tnr = (double)tn / (tn + fp);
                Assert.Equal(recall, got.Accuracy[c], 1e-12);
                Assert.Equal((recall + tnr) / 2, got.BalancedAccuracy[c], 1e-12);
            }
            Assert.Equal(predictions.Zip(labels).Count(p => p.First == p.Second) / (double)n, got.OverallAccuracy, 1e-12);
        }
    }

    [Fact]
    public void A_class_without_images_has_undefined_metrics_and_no_important_units()
    {
        var seq = AblationModels.Random(4, 3, seed: 1);
        using var model = AblationModels.Wrap(seq, 3);
        var x = randn([12, 3, AblationModels.Size, AblationModels.Size], generator: new Generator(5));
        var labels = Enumerable.Range(0, 12).Select(i => i % 2).ToArray();  // class 2 never appears
        using var session = AblationSession.ForInputs(model, "conv2", x, labels);
        var result = AblationRunner.Run(session, new AblationSettings { GroupCurves = false });
        Assert.True(double.IsNaN(result.Baseline.BalancedAccuracy[2]));
        Assert.Empty(result.Importance[2].ImportantUnits);
        Assert.Equal(4, result.Importance[0].ImportantUnits.Count);
    }

    [Fact]
    public void Label_free_measures_agreement_with_the_unablated_argmax()
    {
        var seq = AblationModels.Random(5, 3, seed: 11);
        using var model = AblationModels.Wrap(seq, 3);
        var x = randn([20, 3, AblationModels.Size, AblationModels.Size], generator: new Generator(9));
        using var session = AblationSession.ForInputs(model, "conv2", x, labels: null, new AblationSettings { BatchSize = 6 });
        var m = session.Evaluate([[0], [0, 1, 2, 3, 4]]);
        Assert.False(session.Labelled);
        Assert.Equal(1.0, m[0].OverallAccuracy);                  // the baseline agrees with itself
        using (no_grad())
        {
            var full = seq.call(x).softmax(1);
            Assert.Equal(full.max(1).values.mean().item<float>(), m[0].MeanConfidence, 1e-5);
            // All units removed: every image gets the tail's constant output, so agreement = share of that class.
            var constant = ((TorchSharp.Modules.Linear)seq.named_children().Single(c => c.name == "fc").module).bias!.argmax().item<long>();
            var share = full.argmax(1).eq(constant).sum().item<long>() / 20.0;
            Assert.Equal(share, m[2].OverallAccuracy, 1e-12);
        }
    }
}

public sealed class ImportanceRankingTests
{
    private static ClassMetrics M(double ba, double p) => new([1, 1], [ba, 1], 1, 1) { ClassProbability = [p, 0.9] };

    [Fact]
    public void Equal_balanced_accuracy_drops_are_ordered_by_the_probability_drop_then_unit()
    {
        var baseline = M(1.0, 0.9);
        var units = new List<UnitAblation>
        {
            new(0, M(1.0, 0.85)), new(1, M(1.0, 0.5)), new(2, M(0.9, 0.89)), new(3, M(1.0, 0.85)), new(4, M(1.0, 0.95)),
        };
        var ranked = ClassImportanceRanking.Rank(baseline, units, 0);
        Assert.Equal([2, 1, 0, 3, 4], ranked.Select(d => d.Unit));       // BA first, then probability, then unit number
        Assert.Equal(0.4, ranked[1].ProbabilityDrop, 1e-12);
        Assert.Equal(0.1, ranked[0].Drop, 1e-12);
    }

    [Fact]
    public void Class_probability_is_the_mean_probability_of_the_class_on_its_own_images()
    {
        var seq = AblationModels.Random(4, 3, seed: 3);
        using var model = AblationModels.Wrap(seq, 3);
        var x = randn([18, 3, AblationModels.Size, AblationModels.Size], generator: new Generator(2));
        var labels = Enumerable.Range(0, 18).Select(i => i % 3).ToArray();
        using var session = AblationSession.ForInputs(model, "conv2", x, labels, new AblationSettings { BatchSize = 7 });
        var m = session.Evaluate([[1]])[0];
        using (no_grad())
        {
            var probs = seq.call(x).softmax(1);
            for (var c = 0; c < 3; c++)
            {
                var expected = Enumerable.Range(0, 18).Where(i => labels[i] == c).Average(i => probs[i, c].item<float>());
                Assert.Equal(expected, m.ClassProbability[c], 1e-5);
            }
        }
    }
}
