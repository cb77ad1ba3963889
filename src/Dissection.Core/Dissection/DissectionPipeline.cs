// The passes of a dissection, for all layers at once. The model runs ONCE (pass 1); the IoU pass replays the fp16
// activation cache, so peak memory depends on the batch size and the layer shapes, never on the dataset size.
//   pass 1 (model):   forward, cache raw maps, top-k by spatial max, ranges, and a seed histogram of the upsampled
//                     values that brackets each unit's exact top-q level T (Tallies/SeedHistogram, ThresholdSearch).
//   pass 2 (IoU):     per map, upsample only if it can reach the unit's bracket or spans several activation-histogram
//                     bins; count mask pixels above the bracket, defer the pixels inside it (Tallies/DeferredPixels),
//                     and at the end resolve T exactly from the deferred values and add the deferred pixels above T.
//   So PNAS reads the data twice. A threshold pass over the cache runs before pass 2 only for units whose bracket
//   holds more than collectCap values (very large data, or data whose T left the seed's range), which keeps the
//   deferred pixels bounded; CVPR17 (per-category unions need T first) runs threshold passes until T is known.
// All activations are rounded to fp16 when captured (relative error <= 2^-11) and every statistic is computed on the
// rounded values, so thresholds, masks and stored maps agree with each other exactly.
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Dissection.Core.Datasets;
using Dissection.Core.Tallies;
using TorchSharp;
using static TorchSharp.torch;

namespace Dissection.Core.Dissection;

internal static class DissectionPipeline
{
    private const float Fp16Max = 65504f;

    public static IReadOnlyList<LayerResult> Run(DissectionInputs inputs, IReadOnlyList<string> layers, DissectionSettings s,
        IProgress<DissectionProgress>? progress, CancellationToken cancel, string? cacheRoot,
        int searchBins = 4096, int collectCap = 8192)
    {
        Validate(s, layers);
        if (searchBins < 2 || collectCap < 1) throw new ArgumentOutOfRangeException(nameof(searchBins));
        var clock = Stopwatch.StartNew();
        using var noGrad = no_grad();
        using var cache = new ActivationCache(cacheRoot);
        var processed = new List<DatasetImage>();
        var batches = new List<int>();   // rows per pass-1 batch; cache passes replay the same chunks
        var skipped = new List<string>();
        var tallies = new Dictionary<string, LayerTally>(StringComparer.Ordinal);

        Pass1(inputs, layers, s, progress, cancel, cache, processed, batches, skipped, tallies, searchBins);
        if (processed.Count == 0)
            throw new InvalidDataException($"none of the {inputs.Images.Count} selected images could be loaded" +
                                           (skipped.Count > 0 ? $" (first: {skipped[0]})" : ""));
        cache.Complete(processed.Count);

        FindThresholds(s, progress, cancel, cache, processed, batches, tallies, layers, searchBins, collectCap);
        Pass2(inputs, progress, cancel, cache, processed, batches, tallies, layers, s);

        return layers.Select(l =>
        {
            var t = tallies[l];
            return new LayerResult(l, [t.Units, t.Height, t.Width], t.Results(processed, inputs.Concepts, s.TopConcepts),
                processed.Count, clock.Elapsed) { SkippedImages = skipped.ToList() };
        }).ToList();
    }

    private static void Validate(DissectionSettings s, IReadOnlyList<string> layers)
    {
        if (layers.Count == 0) throw new ArgumentException("no layers to dissect");
        if (layers.Distinct(StringComparer.Ordinal).Count() != layers.Count) throw new ArgumentException("a layer is named twice");
        if (!(s.Quantile > 0 && s.Quantile < 1)) throw new ArgumentException($"quantile must be in (0, 1), got {s.Quantile}");
        if (s.BatchSize < 1) throw new ArgumentException($"batch size must be at least 1, got {s.BatchSize}");
        if (s.TopK < 0) throw new ArgumentException($"top-k must not be negative, got {s.TopK}");
        if (s.Limit is < 0) throw new ArgumentException($"limit must not be negative, got {s.Limit}");
        if (s.HistogramBins < 1) throw new ArgumentException($"histogram bins must be at least 1, got {s.HistogramBins}");
        if (s.TopConcepts < 0) throw new ArgumentException($"top concepts must not be negative, got {s.TopConcepts}");
    }

    private static (int H, int W) SegSize(DatasetImage image, LayerTally t) =>
        image.SegHeight > 0 && image.SegWidth > 0 ? (image.SegHeight, image.SegWidth) : (t.Height, t.Width);

    /// <summary>Rows of a chunk grouped by segmentation size (usually one group), as (H, W, row numbers).</summary>
    private static List<(int H, int W, long[] Rows)> BySegSize(IReadOnlyList<DatasetImage> images, LayerTally t) =>
        images.Select((img, r) => (Size: SegSize(img, t), Row: (long)r)).GroupBy(x => x.Size)
            .Select(g => (g.Key.H, g.Key.W, g.Select(x => x.Row).ToArray())).ToList();

    private static Tensor Rows(Tensor a, long[] rows) =>
        rows.Length == a.shape[0] ? a.alias() : a.index_select(0, tensor(rows));

    // ---------------------------------------------------------------------------------------------------------------
    private static void Pass1(DissectionInputs inputs, IReadOnlyList<string> layers, DissectionSettings s,
        IProgress<DissectionProgress>? progress, CancellationToken cancel, ActivationCache cache,
        List<DatasetImage> processed, List<int> batchRows, List<string> skipped, Dictionary<string, LayerTally> tallies, int searchBins)
    {
        var batches = inputs.Images.Chunk(s.BatchSize).ToList();
        var phase = new PhaseClock("pass 1: model", inputs.Images.Count, progress);
        phase.Report(0);
        Task<LoadedBatch>? next = batches.Count > 0 ? Task.Run(() => inputs.Load(batches[0]), cancel) : null;
        var done = 0;
        try
        {
            for (var b = 0; b < batches.Count; b++)
            {
                cancel.ThrowIfCancellationRequested();
                var current = next!;
                next = null;
                using var batch = current.GetAwaiter().GetResult();
                // Decode the next batch while the model runs on this one.
                var following = b + 1 < batches.Count ? batches[b + 1] : null;
                if (following is not null) next = Task.Run(() => inputs.Load(following), cancel);

                skipped.AddRange(batch.Skipped);
                if (batch.Images.Count > 0)
                {
                    var acts = inputs.Forward(batch.Pixels!);
                    try
                    {
                        foreach (var layer in layers)
                        {
                            if (!acts.TryGetValue(layer, out var act)) throw new InvalidOperationException($"the probe returned no activations for layer {layer}");
                            ObservePass1(layer, act, batch.Images, s, cache, tallies, searchBins);
                        }
                    }
                    finally { foreach (var t in acts.Values) t.Dispose(); }
                    processed.AddRange(batch.Images);
                    batchRows.Add(batch.Images.Count);
                }
                done += batches[b].Length;
                phase.Report(done);
            }
        }
        finally
        {
            // A prefetch still running on cancel or failure must finish and free its tensors.
            if (next is not null)
                try { next.GetAwaiter().GetResult().Dispose(); } catch { /* already failing or cancelled */ }
        }
    }

    private static void ObservePass1(string layer, Tensor act, IReadOnlyList<DatasetImage> images, DissectionSettings s,
        ActivationCache cache, Dictionary<string, LayerTally> tallies, int searchBins)
    {
        using var scope = NewDisposeScope();
        if (act.dim() != 4 || act.shape[0] != images.Count)
            throw new InvalidOperationException($"layer {layer}: expected ({images.Count},U,h,w) activations, got [{string.Join(",", act.shape)}]");
        var a32 = act.detach().to(ScalarType.Float32, CPU);
        var peak = a32.abs().max().item<float>();
        if (!(peak <= Fp16Max))
            throw new InvalidOperationException($"layer {layer}: activation magnitude {peak} is not finite or exceeds the fp16 cache range ({Fp16Max})");
        var half = a32.to(ScalarType.Float16);
        cache.Append(layer, half);
        var a = half.to(ScalarType.Float32);
        int units = (int)a.shape[1], h = (int)a.shape[2], w = (int)a.shape[3];
        if (!tallies.TryGetValue(layer, out var t)) tallies[layer] = t = new LayerTally(layer, units, h, w, s.TopK);

        var maxes = a.amax([2, 3]).contiguous().data<float>().ToArray();
        t.TopK.Add(maxes, images.Select(i => i.Index).ToList());
        LayerTally.Widen(t.RawMin, t.RawMax, a.amin([0, 2, 3]).data<float>().ToArray(), a.amax([0, 2, 3]).data<float>().ToArray());
        t.RawValues += (long)images.Count * h * w;
        // The seed histogram takes its range from the first batch and sees exactly the values (same tensors, same
        // shapes) that the threshold search will replay from the cache.
        void Seed(Tensor values)
        {
            t.Seed ??= new SeedHistogram(values.amin(1).data<float>().ToArray(), values.amax(1).data<float>().ToArray(), searchBins);
            t.Seed.Add(values);
        }
        foreach (var (hh, ww, rows) in BySegSize(images, t))
        {
            if (s.Method == DissectionMethod.Pnas && t.Seed is not null) { SeedCandidates(t, a, rows, hh, ww); continue; }
            var up = UnitsFirstUpsampled(a, rows, hh, ww);
            LayerTally.Widen(t.UpMin, t.UpMax, up.amin([1, 2, 3]).data<float>().ToArray(), up.amax([1, 2, 3]).data<float>().ToArray());
            t.UpValues += (long)rows.Length * hh * ww;
            if (s.Method == DissectionMethod.Pnas)
            {
                var values = up.view(units, -1);
                t.Seed ??= new SeedHistogram(SeedFloor(values, s.Quantile), values.amax(1).data<float>().ToArray(), searchBins);
                t.Seed.Add(values);
            }
        }
        if (s.Method == DissectionMethod.Cvpr17) Seed(a.transpose(0, 1).reshape(units, -1));
    }

    /// <summary>Per unit, a level well below the first batch's top-q level (its top 4q fraction): the seed histogram
    /// spans [floor, max] so its bins are fine where the threshold lies, and later maps that cannot reach the floor are
    /// counted as underflow without upsampling. If the data later puts T below the floor, the search falls back to
    /// narrowing passes, so the result stays exact either way. A unit whose floor equals its max uses its minimum.</summary>
    private static float[] SeedFloor(Tensor values, double quantile)
    {
        var n = values.shape[1];
        var top = Math.Clamp((long)Math.Ceiling(4 * quantile * n), 1, n);
        var floor = values.kthvalue(n - top + 1, 1).values.data<float>().ToArray();
        var min = values.amin(1).data<float>().ToArray();
        var max = values.amax(1).data<float>().ToArray();
        for (var u = 0; u < floor.Length; u++) if (!(floor[u] < max[u])) floor[u] = min[u];
        return floor;
    }

    /// <summary>Pass 1 after the first batch (PNAS): only maps whose bound reaches the seed's floor are upsampled and
    /// histogrammed; the rest are all below it and count as underflow. The upsampled maximum stays exact (skipped
    /// maps are below the first batch's maximum); the minimum becomes a lower bound, min(0, raw min) with margin.</summary>
    private static void SeedCandidates(LayerTally t, Tensor a, long[] rows, int height, int width)
    {
        using var scope = NewDisposeScope();
        var units = t.Units;
        var sub = Rows(a, rows).transpose(0, 1);                                   // (U, R, h, w)
        var r = rows.Length;
        var pixels = (long)height * width;
        var bound = sub.amax([2, 3]).clamp_min(0).mul_(1 + 1.0 / 65536);          // (U, R)
        var keep = bound.ge(tensor(t.Seed!.Lo).unsqueeze(1));
        var lowBound = sub.amin([2, 3]).clamp_max(0).mul_(1 + 1.0 / 65536).masked_fill_(keep, float.PositiveInfinity)
            .amin(1).data<float>().ToArray();
        var selected = keep.flatten().nonzero().flatten();
        var picked = selected.data<long>().ToArray();
        var rowUnits = picked.Select(i => i / r).ToArray();
        var below = new long[units];
        var kept = keep.sum(1, type: ScalarType.Int64).data<long>().ToArray();
        for (var u = 0; u < units; u++) below[u] = (r - kept[u]) * pixels;
        t.Seed.AddBelow(below);
        var min = (float[])lowBound.Clone();
        var max = Enumerable.Repeat(float.NegativeInfinity, units).ToArray();
        if (picked.Length > 0)
        {
            var maps = sub.reshape(units * r, sub.shape[2], sub.shape[3]).index_select(0, selected);
            var up = BilinearUpsampling.Apply(maps, height, width).reshape(picked.Length, -1);
            t.Seed.AddRows(up, rowUnits);
            var rowMin = up.amin(1).data<float>().ToArray();
            var rowMax = up.amax(1).data<float>().ToArray();
            for (var i = 0; i < picked.Length; i++)
            {
                var u = (int)rowUnits[i];
                if (rowMin[i] < min[u]) min[u] = rowMin[i];
                if (rowMax[i] > max[u]) max[u] = rowMax[i];
            }
        }
        LayerTally.Widen(t.UpMin, t.UpMax, min, max);
        t.UpValues += r * pixels;
    }

    // ---------------------------------------------------------------------------------------------------------------
    /// <summary>The values the threshold is taken over: upsampled maps (PNAS) or raw maps (CVPR17), as (U, n) pieces.</summary>
    private static IEnumerable<Tensor> DomainValues(Tensor maps, IReadOnlyList<DatasetImage> images, LayerTally t, DissectionMethod method)
    {
        var a = maps.to(ScalarType.Float32);
        if (method == DissectionMethod.Cvpr17)
        {
            yield return a.transpose(0, 1).reshape(t.Units, -1);
            yield break;
        }
        foreach (var (h, w, rows) in BySegSize(images, t))
            yield return UnitsFirstUpsampled(a, rows, h, w).view(t.Units, -1);
    }

    /// <summary>The chosen rows of (B,U,h,w) maps, upsampled to (U, rows, H, W): units first, so that per-unit
    /// statistics read contiguous rows without a large transpose.</summary>
    private static Tensor UnitsFirstUpsampled(Tensor a, long[] rows, int height, int width) =>
        BilinearUpsampling.Apply(Rows(a, rows).transpose(0, 1), height, width).contiguous();

    private static void FindThresholds(DissectionSettings s, IProgress<DissectionProgress>? progress, CancellationToken cancel,
        ActivationCache cache, List<DatasetImage> processed, List<int> batches, Dictionary<string, LayerTally> tallies,
        IReadOnlyList<string> layers, int bins, int cap)
    {
        var cvpr = s.Method == DissectionMethod.Cvpr17;
        foreach (var t in tallies.Values)
        {
            var n = cvpr ? t.RawValues : t.UpValues;
            t.Search = new ThresholdSearch(s.Quantile, Enumerable.Repeat(n, t.Units).ToArray(),
                cvpr ? t.RawMin : t.UpMin, cvpr ? t.RawMax : t.UpMax, bins, cap);
            t.Search.Seed(t.Seed!);
        }
        // PNAS: the IoU pass defers the pixels inside each unit's bracket and finds T from them, so a cache pass is
        // only needed while a bracket holds more than the cap (large data, or data that moved T out of the seed's
        // range). CVPR17's union needs T before the IoU pass.
        bool NeedsPass(string l) => cvpr ? !tallies[l].Search!.Done : tallies[l].Search!.NeedsPassBeforeDeferral;
        for (var pass = 1; layers.Any(NeedsPass); pass++)
        {
            var active = layers.Where(NeedsPass).ToList();
            var phase = new PhaseClock($"thresholds: pass {pass}", (long)processed.Count * active.Count, progress);
            phase.Report(0);
            long done = 0;
            foreach (var layer in active)
            {
                var t = tallies[layer];
                t.Search!.BeginPass();
                var floor = t.Search.Floor;
                foreach (var (first, half) in cache.Read(layer, batches))
                {
                    cancel.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    var rows = processed.GetRange((int)first, (int)half.shape[0]);
                    var a = half.to(ScalarType.Float32);
                    var mapMax = a.amax([2, 3]).t().contiguous();   // (U, images)
                    if (s.Method == DissectionMethod.Cvpr17)
                        ObserveCandidates(t.Search, a.transpose(0, 1).reshape(t.Units, rows.Count, -1), mapMax, floor);
                    else
                        foreach (var (h, w, groupRows) in BySegSize(rows, t))
                        {
                            // Zero-padded bilinear weights are >= 0 and sum to <= 1, so an upsampled map never exceeds
                            // max(0, raw max) (plus float rounding, hence the margin).
                            var bound = Rows(mapMax.t(), groupRows).t().clamp_min(0).mul_(1 + 1.0 / 65536);
                            ObserveCandidates(t.Search, UnitsFirstUpsampled(a, groupRows, h, w).view(t.Units, groupRows.Length, -1), bound, floor);
                        }
                    done += rows.Count;
                    phase.Report(done);
                }
                t.Search.EndPass();
            }
        }
    }

    /// <summary>Feeds only the maps that can reach a unit's floor (most maps never reach the top-q level), which
    /// keeps the comparisons and the collection small; skipped values are all below the floor, so counts are exact.</summary>
    private static void ObserveCandidates(ThresholdSearch search, Tensor maps, Tensor mapBound, float[] floor)
    {
        var units = (int)maps.shape[0];
        var images = (int)maps.shape[1];
        var keep = mapBound.ge(tensor(floor).unsqueeze(1)).logical_or_(tensor(floor.Select(f => f <= 0).ToArray()).unsqueeze(1));
        var selected = keep.flatten().nonzero().flatten();
        if (selected.numel() == 0) return;
        var rows = maps.reshape(units * images, -1).index_select(0, selected);
        search.ObserveRows(rows, selected.div(images, rounding_mode: RoundingMode.floor));
    }

    // ---------------------------------------------------------------------------------------------------------------
    private static void Pass2(DissectionInputs inputs, IProgress<DissectionProgress>? progress, CancellationToken cancel,
        ActivationCache cache, List<DatasetImage> processed, List<int> batches, Dictionary<string, LayerTally> tallies,
        IReadOnlyList<string> layers, DissectionSettings s)
    {
        var topOf = new Dictionary<string, Dictionary<int, List<(int Unit, int Rank)>>>(StringComparer.Ordinal);
        foreach (var layer in layers)
        {
            var t = tallies[layer];
            t.Histogram = new HistogramTally(t.UpMin, t.UpMax, s.HistogramBins);
            t.Iou = inputs.Labels is null ? null : new IouTally(t.Units, inputs.Concepts, inputs.Categories, s.Method == DissectionMethod.Cvpr17);
            t.Deferred = t.Search!.Done ? null : new DeferredPixels(t.Units);
            t.Brackets = Enumerable.Range(0, t.Units).Select(t.Search.Bracket).ToArray();
            t.Open = Enumerable.Range(0, t.Units).Select(u => !t.Search.IsDone(u)).ToArray();
            t.TopMaps = Enumerable.Range(0, t.Units).Select(u => new float[t.TopK.Top(u).Count][]).ToArray();
            var lookup = new Dictionary<int, List<(int, int)>>();
            for (var u = 0; u < t.Units; u++)
                foreach (var (rank, (_, image)) in t.TopK.Top(u).Index())
                    (lookup.TryGetValue(image, out var l) ? l : lookup[image] = []).Add((u, rank));
            topOf[layer] = lookup;
        }

        var phase = new PhaseClock("pass 2: IoU", processed.Count, progress);
        phase.Report(0);
        var readers = layers.Select(l => cache.Read(l, batches).GetEnumerator()).ToList();
        try
        {
            var first = 0;
            foreach (var chunk in batches)
            {
                cancel.ThrowIfCancellationRequested();
                var rows = processed.GetRange(first, chunk);
                first += chunk;
                var labels = inputs.Labels is { } read ? ReadLabels(rows, read) : null;
                // Label planes are prepared once per batch (and segmentation size) for all layers.
                var prepared = new Dictionary<string, BatchLabels>(StringComparer.Ordinal);
                BatchLabels Prepared(long[] groupRows)
                {
                    var key = string.Join(",", groupRows);
                    if (!prepared.TryGetValue(key, out var b))
                        prepared[key] = b = new BatchLabels(groupRows.Select(r => labels![r]).ToList(), inputs.Concepts.Count);
                    return b;
                }
                try
                {
                    for (var li = 0; li < layers.Count; li++)
                    {
                        if (!readers[li].MoveNext()) throw new InvalidOperationException($"activation cache of layer {layers[li]} ended early");
                        var (_, half) = readers[li].Current;
                        ObservePass2(tallies[layers[li]], half, rows, labels is null ? null : Prepared, topOf[layers[li]]);
                    }
                }
                finally { foreach (var b in prepared.Values) b.Dispose(); }
                phase.Report(first);
            }
        }
        finally { foreach (var r in readers) r.Dispose(); }
        foreach (var layer in layers)
        {
            var t = tallies[layer];
            t.Deferred?.Resolve(t.Search!, t.Iou);
            t.Deferred = null;
            t.Thresholds = t.Search!.Thresholds;
        }
    }

    private static PixelLabels[] ReadLabels(List<DatasetImage> rows, Func<DatasetImage, PixelLabels> read)
    {
        var labels = new PixelLabels[rows.Count];
        try { Parallel.For(0, rows.Count, i => labels[i] = read(rows[i])); }
        catch (AggregateException e) { ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw(); }
        for (var i = 0; i < rows.Count; i++)
        {
            var (img, l) = (rows[i], labels[i]);
            if (img.SegHeight > 0 && (l.SegHeight != img.SegHeight || l.SegWidth != img.SegWidth))
                throw new InvalidDataException($"{img.Path}: labels are {l.SegHeight}x{l.SegWidth}, index.csv says {img.SegHeight}x{img.SegWidth}");
            if (l.Planes.Any(p => p.Length != l.SegHeight * l.SegWidth))
                throw new InvalidDataException($"{img.Path}: a label plane does not have {l.SegHeight}x{l.SegWidth} pixels");
        }
        return labels;
    }

    /// <summary>One layer's batch in the IoU pass. Only maps that matter are upsampled: those that can reach the
    /// unit's bracket (their mask or deferred pixels), and those whose values may span several histogram bins; every
    /// other map lies below the bracket and inside one histogram bin, so it is counted into that bin whole. Bounds:
    /// zero-padded bilinear weights are >= 0 and sum to <= 1, so an upsampled map lies in [min(0, raw min),
    /// max(0, raw max)] (with a margin for float rounding).</summary>
    private static void ObservePass2(LayerTally t, Tensor half, List<DatasetImage> rows, Func<long[], BatchLabels>? labelsFor,
        Dictionary<int, List<(int Unit, int Rank)>> topOf)
    {
        using var scope = NewDisposeScope();
        var a = half.to(ScalarType.Float32);
        var mapMax = a.amax([2, 3]);                                               // (B, U)
        var mapMin = a.amin([2, 3]);
        var histogram = t.Histogram!;
        var units = t.Units;
        foreach (var (h, w, groupRows) in BySegSize(rows, t))
        {
            var r = groupRows.Length;
            var pixels = (long)h * w;
            var bound = Rows(mapMax, groupRows).t().clamp_min(0).mul_(1 + 1.0 / 65536).contiguous().data<float>().ToArray();
            var low = Rows(mapMin, groupRows).t().clamp_max(0).mul_(1 + 1.0 / 65536).contiguous().data<float>().ToArray();
            var batch = labelsFor?.Invoke(groupRows);
            if (batch is not null) t.Iou?.AddLabels(batch);
            var picked = new List<long>();
            for (var u = 0; u < units; u++)
            {
                var cut = t.Brackets[u].Lo;
                for (var i = 0; i < r; i++)
                {
                    var m = u * r + i;
                    var bin = histogram.BinOf(u, low[m]);
                    if (bound[m] >= cut || histogram.BinOf(u, bound[m]) != bin) picked.Add(m);
                    else histogram.AddCount(u, bin, pixels);
                }
            }
            if (picked.Count == 0) continue;
            var rowUnits = picked.Select(m => (int)(m / r)).ToArray();
            var rowImages = picked.Select(m => (int)(m % r)).ToArray();
            var selected = tensor(picked.ToArray());
            var maps = Rows(a, groupRows).transpose(0, 1).reshape(units * r, a.shape[2], a.shape[3]).index_select(0, selected);
            var up = BilinearUpsampling.Apply(maps, h, w).reshape(picked.Count, -1);
            histogram.AddRows(up, rowUnits.Select(u => (long)u).ToArray());
            var unitIndex = tensor(rowUnits.Select(u => (long)u).ToArray());
            var hi = tensor(t.Brackets.Select(b => b.Hi).ToArray()).index_select(0, unitIndex).unsqueeze(1);
            if (t.Iou is { } iou && batch is not null)
            {
                iou.AddMasks(rowUnits, rowImages, up.gt(hi), batch);
            }
            if (t.Deferred is { } deferred)
            {
                var lo = tensor(t.Brackets.Select(b => b.Lo).ToArray()).index_select(0, unitIndex).unsqueeze(1);
                var open = tensor(t.Open).index_select(0, unitIndex).unsqueeze(1);
                deferred.Add(rowUnits, rowImages, up, up.ge(lo).logical_and_(up.le(hi)).logical_and_(open), batch);
            }
        }
        for (var r = 0; r < rows.Count; r++)
        {
            if (!topOf.TryGetValue(rows[r].Index, out var wanted)) continue;
            foreach (var (u, rank) in wanted) t.TopMaps[u][rank] = a[r, u].flatten().data<float>().ToArray();
        }
    }

    /// <summary>Reports one phase's progress with its own images/s.</summary>
    private sealed class PhaseClock(string phase, long total, IProgress<DissectionProgress>? progress)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public void Report(long done)
        {
            if (progress is null) return;
            var seconds = _clock.Elapsed.TotalSeconds;
            progress.Report(new DissectionProgress(phase, done, total, seconds > 0 ? done / seconds : 0));
        }
    }
}
