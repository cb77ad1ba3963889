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
        using var model = AblationModels.Wrap(seq, classes);
        var gen = new Generator(3);
        var x = randn([n, 3, AblationModels.Size, AblationModels.Size], generator: gen);
        var labels = Enumerable.Range(0, n).Select(i => (i * 7 + i / 5) % classes).ToArray();

        using var session = AblationSession.ForInputs(model, "conv2", x, labels, new AblationSettings { BatchSize = 5 });
        var measured = session.Evaluate(Enumerable.Range(-1, units + 1).Select(u => (IReadOnlyCollection<int>)(u < 0 ? [] : [u])).ToList());

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
