// The paper's tree-removal experiment (network-dissection.md §5.3): zero a concept's top k units (by IoU) over the
// whole feature map, for k = 0…K, and measure with the segmenter the share of the concept's pixels that remain, on
// the same latents each time. The features up to the layer are computed once per batch; all K+1 edits of a batch
// are stacked along the batch dimension and run through the tail together.
using Dissection.Core.Instrumentation;
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Models;
using Dissection.Core.Statistics;
using Dissection.Core.Work;
using static TorchSharp.torch;

namespace Dissection.Core.Gan;

public static class ObjectRemovalExperiment
{
    /// <param name="rankedUnits">The concept's units by IoU, best first; point k zeroes the first k (K = the count).</param>
    /// <param name="z">The latents measured (the reference uses ≥ 500).</param>
    /// <param name="batchSize">Latents per batch; (K+1)·batchSize images go through the tail per batch.</param>
    /// <exception cref="ArgumentException">unknown layer or plane, a unit out of range or listed twice, or no latents.</exception>
    public static RemovalCurve Run(ProgressiveGenerator generator, LoadedSegmenter segmenter, string layer, Concept concept,
        IReadOnlyList<int> rankedUnits, ZDataset z, int batchSize = 8, IProgress<DissectionProgress>? progress = null,
        CancellationToken cancel = default)
    {
        var plane = segmenter.PlaneOf(concept.Category);
        if (plane < 0) throw new ArgumentException($"the segmenter has no '{concept.Category}' plane for concept '{concept.Name}'");
        if (z.Count < 1) throw new ArgumentException("the removal experiment needs at least one latent");
        if (rankedUnits.Distinct().Count() != rankedUnits.Count) throw new ArgumentException("a unit is listed twice");
        if (batchSize < 1) throw new ArgumentException($"batch size must be at least 1, got {batchSize}");
        var k = rankedUnits.Count;
        var fractions = Enumerable.Range(0, k + 1).Select(_ => new double[z.Count]).ToArray();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var cut = CutAt(generator, layer);
        using var noGrad = no_grad();
        foreach (var (start, zb) in z.Batches(batchSize))
        {
            cancel.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            using var _ = zb;
            using var features = cut.Head(zb);
            var units = (int)features.shape[1];
            foreach (var u in rankedUnits)
                if (u < 0 || u >= units) throw new ArgumentException($"{layer}: unit {u} outside 0..{units - 1}");
            // α per (k, unit): 1 for the first k ranked units, so edit k zeroes exactly those.
            var alpha = zeros(k + 1, units);
            for (var i = 0; i < k; i++) alpha[TensorIndex.Slice(i + 1), rankedUnits[i]] = 1f;
            var b = (int)features.shape[0];
            var stacked = UnitEdit.Blend(features.unsqueeze(0), alpha.view(k + 1, 1, units, 1, 1), zeros(1))
                .reshape((k + 1) * b, units, features.shape[2], features.shape[3]);
            var counts = ConceptShares(cut, stacked, segmenter, plane, concept.Number);
            for (var e = 0; e <= k; e++)
            for (var i = 0; i < b; i++)
                fractions[e][start + i] = counts[e * b + i];
            var done = start + b;
            progress?.Report(new DissectionProgress("removal", done, z.Count, done / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
        }

        var baseline = fractions[0].Average();
        var points = new List<RemovalPoint>();
        for (var e = 0; e <= k; e++)
        {
            var mean = fractions[e].Average();
            var delta = MeanInterval.Of(fractions[e].Select((f, i) => f - fractions[0][i]));
            var (remaining, low, high) = baseline > 0
                ? (mean / baseline, 1 + delta.Low / baseline, 1 + delta.High / baseline)
                : (double.NaN, double.NaN, double.NaN);
            points.Add(new RemovalPoint(e, mean, remaining, low, high));
        }
        return new RemovalCurve(layer, concept.Number, concept.Name, rankedUnits.ToList(), z.Count, z.Seed ?? -1, points);
    }

    /// <summary>Share of each image's pixels labelled <paramref name="label"/> on <paramref name="plane"/>, for edited
    /// features of the layer (any batch size); the tail runs in chunks to bound memory.</summary>
    internal static double[] ConceptShares(LayerCut cut, Tensor edited, LoadedSegmenter segmenter, int plane, int label, int chunk = 64)
    {
        var n = (int)edited.shape[0];
        var result = new double[n];
        for (var s = 0; s < n; s += chunk)
        {
            using var scope = NewDisposeScope();
            var len = Math.Min(chunk, n - s);
            var images = GeneratedImages.ToUnitRange(cut.Tail(edited.narrow(0, s, len)));
            var labels = segmenter.Segmenter.SegmentPlanes(images).select(1, plane);
            var shares = labels.eq(label).to_type(ScalarType.Float64).mean([1, 2]).to(CPU).data<double>().ToArray();
            shares.CopyTo(result, s);
        }
        return result;
    }

    /// <summary>The generator cut after an editable layer (head once per batch, tail per edit).</summary>
    /// <exception cref="ArgumentException">an unknown layer (the message lists them) or the output block.</exception>
    internal static LayerCut CutAt(ProgressiveGenerator generator, string layer)
    {
        if (generator.IndexOfBlock(layer) == generator.Layout.LayerCount)
            throw new ArgumentException($"'{layer}' is the output block; edit one of layer1…layer{generator.Layout.LayerCount}");
        return InstrumentedModel.Of(generator).Cut(layer);
    }
}
