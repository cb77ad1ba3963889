// After an ablation run (finished, failed or cancelled) the model computes exactly what it computed before: no hook
// and no edit survives.
using Dissection.Core.Ablation;
using Dissection.Core.Dissection;
using Dissection.Core.Models;
using TorchSharp;
using Dissection.Core.Work;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Ablation;

public sealed class ModelUnchangedTests
{
    private static Tensor Output(LoadedModel model, Tensor x)
    {
        using var noGrad = no_grad();
        return model.Module.call(x).detach().clone();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_model_outputs_are_unchanged_after_an_ablation_run(bool opaque)
    {
        var seq = AblationModels.Random(5, 3, seed: 13);
        using var model = AblationModels.Wrap(opaque ? new AblationModels.Opaque(seq) : seq, 3);
        var layer = opaque ? "body.conv2" : "conv2";
        var x = randn([9, 3, AblationModels.Size, AblationModels.Size], generator: new Generator(1));
        var before = Output(model, x);

        using (var session = AblationSession.ForInputs(model, layer, x, [0, 1, 2, 0, 1, 2, 0, 1, 2]))
        {
            var result = AblationRunner.Run(session, new AblationSettings());
            Assert.Equal(opaque ? "hooks" : "split", result.Method);
        }
        Assert.True(equal(before, Output(model, x)).all().item<bool>());
    }

    [Fact]
    public void A_cancelled_run_leaves_the_model_unchanged()
    {
        var seq = AblationModels.Random(5, 3, seed: 13);
        using var model = AblationModels.Wrap(new AblationModels.Opaque(seq), 3);
        var x = randn([40, 3, AblationModels.Size, AblationModels.Size], generator: new Generator(1));
        var before = Output(model, x);
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(p => { if (p.Done > 0) cts.Cancel(); });
        using (var session = AblationSession.ForInputs(model, "body.conv2", x, null, new AblationSettings { BatchSize = 4 }))
            Assert.ThrowsAny<OperationCanceledException>(() => AblationRunner.Run(session, new AblationSettings(), progress, cts.Token));
        Assert.True(equal(before, Output(model, x)).all().item<bool>());
    }

    [Fact]
    public void Unit_numbers_out_of_range_are_refused_with_the_layer_size()
    {
        using var model = AblationModels.Wrap(AblationModels.Random(5, 3, seed: 1), 3);
        var x = randn([4, 3, AblationModels.Size, AblationModels.Size]);
        using var session = AblationSession.ForInputs(model, "conv2", x, null);
        var e = Assert.Throws<ArgumentException>(() => AblationRunner.Run(session, new AblationSettings { Units = [1, 5] }));
        Assert.Contains("unit 5 is out of range", e.Message);
        Assert.Contains("5 units (0-4)", e.Message);
    }

    /// <summary>Progress<T> posts to the thread pool; the test needs the callback on the reporting thread.</summary>
    private sealed class SyncProgress(Action<DissectionProgress> onReport) : IProgress<DissectionProgress>
    {
        public void Report(DissectionProgress value) => onReport(value);
    }
}
