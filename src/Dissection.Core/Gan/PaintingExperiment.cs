// Does painting a concept on the ground work, as a playground user would try it? For each sample: find the square
// block of layer cells that is most ground (grass, sand, road, floor at the cell centres, per the segmenter), switch
// the concept's top units on there (α = 1, each unit at its level: the playground's paint stroke), and count the
// concept's pixels inside the block before and after. A sample with no ground cell is not eligible. The success rate
// is the demo GAN's "is GAN paint convincing" number (issue #14: ≥ 60 % of seeds, for tree and two other objects).
using Dissection.Core.Datasets;
using Dissection.Core.Instrumentation;
using Dissection.Core.Models;
using Dissection.Core.Statistics;
using Dissection.Core.Work;
using static TorchSharp.torch;

namespace Dissection.Core.Gan;

/// <param name="Eligible">Samples whose unedited image had at least one ground cell.</param>
/// <param name="Successes">Eligible samples where the painted block gained at least MinGain of its pixels as the concept.</param>
/// <param name="MeanGain">Mean gain (share of the block's pixels, after minus before) over eligible samples.</param>
/// <param name="Low">Lower end of the 99 % interval of the success rate (MeanInterval of the 0/1 outcomes).</param>
public sealed record PaintSuccess(string Layer, string ConceptName, IReadOnlyList<int> Units, int Samples, int Eligible,
    int Successes, double MeanGain, double MinGain, int BlockCells, double Low, double High)
{
    public double Rate => Eligible == 0 ? double.NaN : (double)Successes / Eligible;
}

public static class PaintingExperiment
{
    /// <summary>The world's ground surfaces, on which objects stand: where a user paints a tree or a chair.</summary>
    public static readonly IReadOnlyList<string> GroundConcepts = ["grass", "sand", "road", "floor"];

    /// <param name="block">Side of the painted square in layer cells (the playground's stroke covers a few cells).</param>
    /// <param name="minGain">Share of the block's pixels that must turn into the concept for a success.</param>
    /// <param name="groundConcepts">Object concepts that count as ground; null = GroundConcepts.</param>
    /// <exception cref="ArgumentException">unknown layer or plane, units and levels of different lengths, a unit out of range.</exception>
    public static PaintSuccess Run(ProgressiveGenerator generator, LoadedSegmenter segmenter, string layer, Concept concept,
        IReadOnlyList<int> units, IReadOnlyList<float> levels, ZDataset z, int block = 3, double minGain = 0.05,
        IReadOnlyList<string>? groundConcepts = null, IProgress<DissectionProgress>? progress = null, CancellationToken cancel = default)
    {
        var plane = segmenter.PlaneOf(concept.Category);
        if (plane < 0) throw new ArgumentException($"the segmenter has no '{concept.Category}' plane for concept '{concept.Name}'");
        var objectPlane = segmenter.PlaneOf("object");
        if (objectPlane < 0) throw new ArgumentException("the segmenter has no object plane to find the ground in");
        if (units.Count != levels.Count) throw new ArgumentException($"{units.Count} units but {levels.Count} levels");
        if (units.Count == 0) throw new ArgumentException("no units to paint");
        groundConcepts ??= GroundConcepts;
        var ground = groundConcepts.Select(name => segmenter.Concepts.FirstOrDefault(c => c.Name == name && c.Category == "object"))
            .Where(c => c is not null).Select(c => c!.Number).ToHashSet();
        if (ground.Count == 0) throw new ArgumentException("the segmenter knows none of the ground concepts " + string.Join(", ", groundConcepts));

        var cut = ObjectRemovalExperiment.CutAt(generator, layer);
        var gains = new List<double>();
        var outcomes = new List<double>();
        var usedSide = block;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var noGrad = no_grad();
        for (var i = 0; i < z.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var features = cut.Head(z.Batch(i, 1));
            int u = (int)features.shape[1], h = (int)features.shape[2], w = (int)features.shape[3];
            foreach (var unit in units)
                if (unit < 0 || unit >= u) throw new ArgumentException($"{layer}: unit {unit} outside 0..{u - 1}");
            var side = usedSide = Math.Clamp(block, 1, Math.Min(h, w));

            var before = segmenter.Segmenter.SegmentPlanes(GeneratedImages.ToUnitRange(cut.Tail(features)));
            var contexts = ContextInsertionExperiment.CellContexts(before.select(1, objectPlane)[0], h, w);
            if (MostGround(contexts, h, w, side, ground) is not var (top, left)) continue;

            var cells = zeros(1, 1, h, w);
            cells[.., .., TensorIndex.Slice(top, top + side), TensorIndex.Slice(left, left + side)] = 1f;
            var unitMask = zeros(u);
            var unitLevel = zeros(u);
            for (var k = 0; k < units.Count; k++) { unitMask[units[k]] = 1f; unitLevel[units[k]] = levels[k]; }
            var alpha = cells * unitMask.view(1, u, 1, 1);
            var edited = UnitEdit.Blend(features, alpha, alpha * unitLevel.view(1, u, 1, 1));
            var after = segmenter.Segmenter.SegmentPlanes(GeneratedImages.ToUnitRange(cut.Tail(edited)));

            // The block's pixels: the cells scaled up to the image (nearest), as the playground's strokes are.
            var pixels = nn.functional.interpolate(cells, [before.shape[2], before.shape[3]], mode: InterpolationMode.Nearest)[0, 0].to_type(ScalarType.Bool);
            double Share(Tensor planes) => planes.select(1, plane)[0].eq(concept.Number).logical_and(pixels)
                .to_type(ScalarType.Float64).sum().item<double>() / pixels.to_type(ScalarType.Float64).sum().item<double>();
            var gain = Share(after) - Share(before);
            gains.Add(gain);
            outcomes.Add(gain >= minGain ? 1 : 0);
            progress?.Report(new DissectionProgress("painting", i + 1, z.Count, (i + 1) / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
        }
        var rate = MeanInterval.Of(outcomes);
        return new PaintSuccess(layer, concept.Name, units.ToList(), z.Count, gains.Count, (int)outcomes.Sum(),
            gains.Count == 0 ? double.NaN : gains.Average(), minGain, usedSide * usedSide,
            Math.Max(0, rate.Low), Math.Min(1, rate.High));   // a rate's interval stays within [0, 1]
    }

    /// <summary>The top-left cell of the side×side block with the most ground cells (first in row-major order on
    /// ties); null when no cell is ground.</summary>
    internal static (int Top, int Left)? MostGround(int[] contexts, int h, int w, int side, IReadOnlySet<int> ground)
    {
        (int Top, int Left)? best = null;
        var bestCount = 0;
        for (var top = 0; top + side <= h; top++)
        for (var left = 0; left + side <= w; left++)
        {
            var count = 0;
            for (var y = top; y < top + side; y++)
            for (var x = left; x < left + side; x++)
                if (ground.Contains(contexts[y * w + x])) count++;
            if (count > bestCount) (best, bestCount) = ((top, left), count);
        }
        return best;
    }
}
