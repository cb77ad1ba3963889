// The level a paint stroke sets a unit to: the unit's 99th percentile over generated samples (GANPaint's "draw" level),
// used when no stored dissection of the generator has thresholded the layer at the top 1 %.
using static TorchSharp.torch;

namespace Dissection.Core.Gan;

public static class PaintLevels
{
    /// <summary>Per unit of the layer, the q-quantile of its features over `samples` seeded latents (seed 1). Runs
    /// the generator: call it under its gate (SharedGenerator.RunAsync) while sessions may be painting.</summary>
    public static float[] Compute(SharedGenerator generator, string layer, int samples, double q)
    {
        generator.CheckLayer(layer);
        var cut = generator.Instrumented.Cut(layer);
        using var scope = NewDisposeScope();
        using var zs = ZDataset.FromSeed(generator.Layout.ZDim, seed: 1, samples);
        var perBatch = new List<Tensor>();
        foreach (var (_, z) in zs.Batches(32))
        {
            var x = cut.Head(z);
            perBatch.Add(x.transpose(0, 1).reshape(x.shape[1], -1));   // (U, B·h·w)
        }
        return UnitQuantiles(cat(perBatch, 1), q);
    }

    /// <summary>Per row of (U, M) values, the q-quantile with linear interpolation between order statistics (numpy's default).</summary>
    public static float[] UnitQuantiles(Tensor values, double q)
    {
        using var scope = NewDisposeScope();
        var sorted = values.sort(1).Values;
        var m = sorted.shape[1];
        var pos = q * (m - 1);
        var lo = (long)Math.Floor(pos);
        var hi = Math.Min(lo + 1, m - 1);
        var frac = (float)(pos - lo);
        var a = sorted.select(1, lo);
        var b = sorted.select(1, hi);
        return (a + (b - a) * frac).to(CPU).data<float>().ToArray();
    }
}
