// How long the playground waits from an edit to the new image: a painted stroke (a disc at image resolution) is
// max-pooled to the layer, applied to cached features, the tail runs, and the image is encoded as PNG. The baseline,
// timed in the same run and interleaved with the edits so machine load hits both alike, is a full generation from z
// with the same PNG encoding.
using System.Diagnostics;
using SixLabors.ImageSharp;
using Dissection.Core.Statistics;
using Dissection.Core.Models;
using static TorchSharp.torch;

namespace Dissection.Core.Gan;

/// <param name="HeadMs">One-time cost of computing the cached features (once per sample shown).</param>
public sealed record EditLatency(string Layer, int Edits, int UnitsPerEdit, int Threads, double HeadMs,
    double EditP50Ms, double EditP95Ms, double FullP50Ms, double FullP95Ms)
{
    public double P50Ratio => EditP50Ms / FullP50Ms;
    public double P95Ratio => EditP95Ms / FullP95Ms;
}

public static class EditLatencyBenchmark
{
    /// <param name="unitsPerEdit">Units per stroke (GANPaint's strengths are 4, 10, 15).</param>
    public static EditLatency Run(ProgressiveGenerator generator, string layer, int edits = 100, int unitsPerEdit = 10, long seed = 1,
        int warmup = 5)
    {
        if (edits < 1) throw new ArgumentException($"need at least one edit, got {edits}");
        using var noGrad = no_grad();
        using var z = ZDataset.FromSeed(generator.ZDim, seed, 1);
        using var z0 = z.Batch(0, 1);
        var clock = Stopwatch.StartNew();
        using var features = LayerFeatures.Compute(generator, z0, layer);
        var headMs = clock.Elapsed.TotalMilliseconds;
        var resolution = generator.Resolution;
        var rng = new Random((int)(seed & 0x7fffffff));
        var editTimes = new List<double>();
        var fullTimes = new List<double>();
        for (var i = -warmup; i < edits; i++)
        {
            var units = Enumerable.Range(0, features.Units).OrderBy(_ => rng.Next()).Take(Math.Min(unitsPerEdit, features.Units)).ToList();
            var (cx, cy, r) = (rng.Next(resolution), rng.Next(resolution), Math.Max(1, resolution / 8));
            var value = rng.Next(2) == 0 ? 0f : 2f;
            clock.Restart();
            using (var scope = NewDisposeScope())
            {
                var mask = Disc(resolution, cx, cy, r);
                var edit = new UnitEdit(layer, units, UnitEdit.RegionAt(mask, features.Size), units.Select(_ => value).ToList());
                Encode(features.Render([edit]));
            }
            if (i >= 0) editTimes.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            using (var scope = NewDisposeScope()) Encode(generator.call(z0));
            if (i >= 0) fullTimes.Add(clock.Elapsed.TotalMilliseconds);
        }
        return new EditLatency(layer, edits, unitsPerEdit, get_num_threads(), headMs,
            Percentiles.NearestRank(editTimes, 0.5), Percentiles.NearestRank(editTimes, 0.95), Percentiles.NearestRank(fullTimes, 0.5), Percentiles.NearestRank(fullTimes, 0.95));
    }

    private static Tensor Disc(int size, int cx, int cy, int r)
    {
        var ys = arange(size).view(size, 1) - cy;
        var xs = arange(size).view(1, size) - cx;
        return (ys * ys + xs * xs).le(r * r).to_type(ScalarType.Float32);
    }

    private static void Encode(Tensor output)
    {
        using var image = GeneratedImages.ToImage(output[0]);
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
    }
}
