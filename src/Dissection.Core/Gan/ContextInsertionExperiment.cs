// Context dependence of insertion (network-dissection.md §5.3, the door experiment): switch a concept's units on at
// one cell of the layer at a time (set to their high-quantile level, α = 1 in that cell only), for every cell and
// every sample, and measure the concept's added area with the segmenter. Each insertion is filed under the context:
// the object label of the unedited image at the cell's centre. The generator decides what fits: a door appears on a
// building, hardly in the sky. Per sample, the features are computed once and all cells' edits run as one stack.
using Dissection.Core.Instrumentation;
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Models;
using Dissection.Core.Statistics;
using Dissection.Core.Work;
using static TorchSharp.torch;

namespace Dissection.Core.Gan;

public static class ContextInsertionExperiment
{
    /// <param name="units">The concept's units (its top units by IoU).</param>
    /// <param name="levels">Per unit, the value it is set to (e.g. ConceptUnit.Level, the unit's 99th percentile).</param>
    /// <exception cref="ArgumentException">unknown layer or plane, units and levels of different lengths, a unit out of range.</exception>
    public static ContextInsertion Run(ProgressiveGenerator generator, LoadedSegmenter segmenter, string layer, Concept concept,
        IReadOnlyList<int> units, IReadOnlyList<float> levels, ZDataset z, IProgress<DissectionProgress>? progress = null,
        CancellationToken cancel = default)
    {
        var plane = segmenter.PlaneOf(concept.Category);
        if (plane < 0) throw new ArgumentException($"the segmenter has no '{concept.Category}' plane for concept '{concept.Name}'");
        var contextPlane = segmenter.PlaneOf("object");
        if (contextPlane < 0) throw new ArgumentException("the segmenter has no object plane to read contexts from");
        if (units.Count != levels.Count) throw new ArgumentException($"{units.Count} units but {levels.Count} levels");
        if (units.Count == 0) throw new ArgumentException("no units to insert");
        if (z.Count < 1) throw new ArgumentException("the context experiment needs at least one latent");

        var added = new Dictionary<int, List<double>>();
        double baselineSum = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var cut = ObjectRemovalExperiment.CutAt(generator, layer);
        using var noGrad = no_grad();
        for (var i = 0; i < z.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            using var features = cut.Head(z.Batch(i, 1));
            int u = (int)features.shape[1], h = (int)features.shape[2], w = (int)features.shape[3];
            foreach (var unit in units)
                if (unit < 0 || unit >= u) throw new ArgumentException($"{layer}: unit {unit} outside 0..{u - 1}");

            var baseImage = GeneratedImages.ToUnitRange(cut.Tail(features));
            var basePlanes = segmenter.Segmenter.SegmentPlanes(baseImage);
            var baseShare = basePlanes.select(1, plane).eq(concept.Number).to_type(ScalarType.Float64).mean().item<double>();
            baselineSum += baseShare;
            var contexts = CellContexts(basePlanes.select(1, contextPlane)[0], h, w);

            // α = 1 at cell c for the chosen units: (cells, U, h, w); target α·level.
            var cells = h * w;
            var unitMask = zeros(u);
            var unitLevel = zeros(u);
            for (var k = 0; k < units.Count; k++) { unitMask[units[k]] = 1f; unitLevel[units[k]] = levels[k]; }
            var cellMask = eye(cells).view(cells, 1, h, w);
            var alpha = cellMask * unitMask.view(1, u, 1, 1);
            var edited = UnitEdit.Blend(features, alpha, alpha * unitLevel.view(1, u, 1, 1));
            var shares = ObjectRemovalExperiment.ConceptShares(cut, edited, segmenter, plane, concept.Number);
            for (var c = 0; c < cells; c++)
                (added.TryGetValue(contexts[c], out var list) ? list : added[contexts[c]] = []).Add(shares[c] - baseShare);
            progress?.Report(new DissectionProgress("context insertion", i + 1, z.Count, (i + 1) / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
        }

        var rows = added.Select(kv =>
        {
            var m = MeanInterval.Of(kv.Value);
            var name = kv.Key == 0 ? "unlabelled" : kv.Key < segmenter.Concepts.Count && segmenter.Concepts[kv.Key].Name.Length > 0
                ? segmenter.Concepts[kv.Key].Name : kv.Key.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return new ContextRow(kv.Key, name, kv.Value.Count, m.Mean, m.Low, m.High);
        }).OrderByDescending(r => r.Cells).ThenBy(r => r.Context).ToList();
        return new ContextInsertion(layer, concept.Number, concept.Name, units.ToList(), levels.ToList(), z.Count, z.Seed ?? -1,
            baselineSum / z.Count, rows);
    }

    /// <summary>The label at each cell's centre pixel, cells in row-major order: pixel floor((c + 0.5)·H/h).</summary>
    internal static int[] CellContexts(Tensor labels, int h, int w)
    {
        int height = (int)labels.shape[0], width = (int)labels.shape[1];
        var plane = labels.to(CPU).to_type(ScalarType.Int32).contiguous().data<int>().ToArray();
        var result = new int[h * w];
        for (var cy = 0; cy < h; cy++)
        for (var cx = 0; cx < w; cx++)
        {
            var y = (int)Math.Floor((cy + 0.5) * height / h);
            var x = (int)Math.Floor((cx + 0.5) * width / w);
            result[cy * w + cx] = plane[y * width + x];
        }
        return result;
    }
}
