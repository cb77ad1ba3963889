// The change in each unit's peak activation equals a brute-force computation: the layer's post-ReLU activations from
// running the network's own modules by hand, and a loop for every spatial maximum.
using Dissection.Core.Attacks;
using TorchSharp;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Attacks;

[Collection(TinyClassifierCollection.Name)]
public sealed class PeakShiftTests(TinyColourClassifier tiny)
{
    [Fact]
    public void Peaks_equal_a_loop_over_every_position()
    {
        using var scope = NewDisposeScope();
        var random = new Random(4);
        var values = Enumerable.Range(0, 2 * 5 * 3 * 4).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        var peaks = PeakActivations.Of(tensor(values, [2L, 5, 3, 4]));
        for (var b = 0; b < 2; b++)
            for (var u = 0; u < 5; u++)
            {
                var max = float.NegativeInfinity;
                for (var y = 0; y < 3; y++)
                    for (var x = 0; x < 4; x++)
                        max = Math.Max(max, values[((b * 5 + u) * 3 + y) * 4 + x]);
                Assert.Equal(max, peaks[b][u]);
            }
    }

    [Fact]
    public void Delta_peak_on_a_real_attack_equals_brute_force()
    {
        using var scope = NewDisposeScope();
        var clean = TinyColourClassifier.Images(0, 3, seed: 41);
        using var adversarial = TargetedAttack.Run(tiny.Model, clean, [2, 2, 1], new AttackSettings(8 / 255.0, Steps: 5, EarlyStop: false));
        var shifts = PeakActivations.Measure(tiny.Model, TinyColourClassifier.Layer, clean, adversarial.Images);

        var before = BruteForcePeaks(clean);
        var after = BruteForcePeaks(adversarial.Images);
        Assert.Equal(3, shifts.Count);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(16, shifts[i].Units);
            for (var u = 0; u < 16; u++)
            {
                Assert.Equal(before[i, u], shifts[i].Clean[u], 5);
                Assert.Equal(after[i, u], shifts[i].Adversarial[u], 5);
                Assert.Equal(after[i, u] - before[i, u], shifts[i].Delta(u), 5);
            }
        }
        Assert.Contains(shifts, s => s.Deltas().Any(d => Math.Abs(d) > 1e-3));  // the attack did move something
    }

    /// <summary>Runs features.conv1 → relu1 → pool1 → conv2 → relu2 by hand and takes each unit's maximum with loops.</summary>
    private float[,] BruteForcePeaks(Tensor images)
    {
        using var noGrad = no_grad();
        var x = tiny.Model.Preprocessing.Apply(images);
        var features = tiny.Model.Module.named_children().Single(c => c.name == "features").module;
        foreach (var (name, module) in features.named_children())
        {
            x = ((nn.Module<Tensor, Tensor>)module).call(x);
            if (name == "relu2") break;
        }
        var (b, u, h, w) = ((int)x.shape[0], (int)x.shape[1], (int)x.shape[2], (int)x.shape[3]);
        var v = x.contiguous().data<float>().ToArray();
        var peaks = new float[b, u];
        for (var i = 0; i < b; i++)
            for (var k = 0; k < u; k++)
            {
                var max = float.NegativeInfinity;
                for (var p = 0; p < h * w; p++) max = Math.Max(max, v[(i * u + k) * h * w + p]);
                peaks[i, k] = max;
            }
        return peaks;
    }

    [Fact]
    public void Groups_average_their_units_and_others_exclude_both_classes()
    {
        var shift = new PeakShift([1f, 2f, 3f, 4f, 5f, 6f], [3f, 1f, 3f, 0f, 5.5f, 4f]);  // Δ = 2, -1, 0, -4, 0.5, -2
        var g = UnitGroupShift.Of(shift, targetUnits: [0, 2], sourceUnits: [2, 3]);
        Assert.Equal((2 + 0) / 2.0, g.TargetAbs, 6);
        Assert.Equal((2 + 0) / 2.0, g.TargetSigned, 6);
        Assert.Equal((0 + 4) / 2.0, g.SourceAbs, 6);
        Assert.Equal((0 - 4) / 2.0, g.SourceSigned, 6);
        Assert.Equal((1 + 0.5 + 2) / 3.0, g.OtherAbs, 6);
        Assert.Equal((-1 + 0.5 - 2) / 3.0, g.OtherSigned, 6);
        Assert.True(double.IsNaN(UnitGroupShift.Of(shift, [0], []).SourceAbs));
        Assert.Equal([3, 0, 5], shift.MostChanged(3));  // |Δ| 4, then the tie 2 = 2 by unit number
        Assert.Throws<ArgumentException>(() => UnitGroupShift.Of(shift, [6], []));
    }
}
