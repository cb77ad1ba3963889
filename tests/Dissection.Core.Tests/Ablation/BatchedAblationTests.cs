// Stacking K ablations along the batch dimension gives exactly what ablating one unit set at a time gives, and the
// tail re-run on cached layer outputs agrees with full forward passes through an edit hook.
using Dissection.Core.Ablation;
using TorchSharp;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Ablation;

public sealed class BatchedAblationTests
{
    private static IReadOnlyList<IReadOnlyCollection<int>> Sets(int units) =>
        Enumerable.Range(0, units).Select(u => (IReadOnlyCollection<int>)new[] { u })
            .Append([0, 2]).Append(Enumerable.Range(1, units - 1).ToArray()).ToList();

    [Fact]
    public void Batched_ablations_equal_one_at_a_time_ablations()
    {
        const int units = 7, classes = 5;
        using var model = AblationModels.Wrap(AblationModels.Random(units, classes, seed: 21), classes);
        var x = randn([30, 3, AblationModels.Size, AblationModels.Size], generator: new Generator(4));
        var labels = Enumerable.Range(0, 30).Select(i => i % classes).ToArray();

        // StackBytes = 1 forces K = 1 (one tail call per ablation); the default stacks every ablation in one call.
        using var oneByOne = AblationSession.ForInputs(model, "conv2", x, labels, new AblationSettings { BatchSize = 8, StackBytes = 1 });
        using var stacked = AblationSession.ForInputs(model, "conv2", x, labels, new AblationSettings { BatchSize = 8 });
        var a = oneByOne.Evaluate(Sets(units));
        var b = stacked.Evaluate(Sets(units));
        for (var i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i].Accuracy, b[i].Accuracy);
            Assert.Equal(a[i].BalancedAccuracy, b[i].BalancedAccuracy);
            Assert.Equal(a[i].MeanConfidence, b[i].MeanConfidence, 1e-6);
        }
    }

    [Fact]
    public void Stacked_tail_logits_equal_each_ablation_run_alone()
    {
        const int units = 4;
        using var model = AblationModels.Wrap(AblationModels.Random(units, 3, seed: 2), 3);
        var ablator = StackedAblation.Create(model, "conv2", out var note);
        var cut = ablator.Cut ?? throw new Xunit.Sdk.XunitException(note);
        using var scope = NewDisposeScope();
        var x = randn([6, 3, AblationModels.Size, AblationModels.Size], generator: new Generator(8));
        var acts = ablator.Prepare(x);
        var keep = ones(units, units) - eye(units);              // row k removes unit k
        var all = ablator.Ablate(acts, keep);                    // (units, 6, 3)
        for (var k = 0; k < units; k++)
        {
            var alone = acts.clone();
            alone[.., k].zero_();
            var expected = cut.Tail(alone);
            Assert.True(allclose(all[k], expected, rtol: 1e-6, atol: 1e-7), $"ablation {k}");
        }
    }

    [Fact]
    public void Hooked_full_passes_give_the_same_metrics_as_the_split_tail()
    {
        const int units = 6, classes = 4;
        var seq = AblationModels.Random(units, classes, seed: 5);
        using var splitModel = AblationModels.Wrap(seq, classes);
        using var opaqueModel = AblationModels.Wrap(new AblationModels.Opaque(seq), classes);
        var x = randn([25, 3, AblationModels.Size, AblationModels.Size], generator: new Generator(6));
        var labels = Enumerable.Range(0, 25).Select(i => (i * 3) % classes).ToArray();

        using var viaSplit = AblationSession.ForInputs(splitModel, "conv2", x, labels);
        using var viaHooks = AblationSession.ForInputs(opaqueModel, "body.conv2", x, labels, new AblationSettings { StackBytes = 20_000 });
        Assert.Equal("split", viaSplit.Method);
        Assert.Equal("hooks", viaHooks.Method);
        Assert.Contains("edit hook", viaHooks.Note);
        var a = viaSplit.Evaluate(Sets(units));
        var b = viaHooks.Evaluate(Sets(units));
        for (var i = 0; i < a.Count; i++)
            Assert.Equal(a[i].BalancedAccuracy, b[i].BalancedAccuracy);
    }
}
