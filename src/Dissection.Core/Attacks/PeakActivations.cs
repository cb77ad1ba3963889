// The peak (spatial maximum) activation of every unit of a layer, per image, measured on clean and adversarial
// images with one probe: the quantity the paper compares to see which units an attack moves.
using Dissection.Core.Instrumentation;
using Dissection.Core.Models;
using static TorchSharp.torch;

namespace Dissection.Core.Attacks;

public static class PeakActivations
{
    /// <summary>Per image, per unit: the maximum over the spatial positions of (B,U,h,w) activations.</summary>
    public static float[][] Of(Tensor activations)
    {
        if (activations.dim() != 4)
            throw new ArgumentException($"expected (B,U,h,w) activations, got [{string.Join(",", activations.shape)}]");
        using var scope = NewDisposeScope();
        var (b, u) = (checked((int)activations.shape[0]), checked((int)activations.shape[1]));
        var peaks = activations.to_type(ScalarType.Float32).flatten(2).amax(2).cpu().contiguous();
        var flat = peaks.data<float>().ToArray();
        return Enumerable.Range(0, b).Select(i => flat.AsSpan(i * u, u).ToArray()).ToArray();
    }

    /// <summary>Peak activations of <paramref name="layer"/> (post-ReLU where the probe resolves so) for clean and
    /// adversarial batches (B,3,H,W) in [0,1], one PeakShift per image.</summary>
    public static IReadOnlyList<PeakShift> Measure(LoadedModel model, string layer, Tensor clean, Tensor adversarial)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!clean.shape.SequenceEqual(adversarial.shape))
            throw new ArgumentException($"clean [{string.Join(",", clean.shape)}] and adversarial [{string.Join(",", adversarial.shape)}] batches differ in shape");
        using var probe = model.Instrumented.Retain([layer]);
        var before = Peaks(model, probe, layer, clean);
        var after = Peaks(model, probe, layer, adversarial);
        return before.Zip(after, (c, a) => new PeakShift(c, a)).ToList();
    }

    private static float[][] Peaks(LoadedModel model, RetainedLayers probe, string layer, Tensor images)
    {
        using var scope = NewDisposeScope();
        var (activations, output) = probe.Run(model.Preprocessing.Apply(images.to(model.Device)));
        try { return Of(activations[layer]); }
        finally
        {
            foreach (var t in activations.Values) t.Dispose();
            output.Dispose();
        }
    }
}
