// The passes of a dissection, for all layers at once. The model runs ONCE; the IoU pass replays an fp16 activation
// cache on disk, so peak memory depends on the batch size and the layer shapes, never on the dataset size.
//   pass 1 (model): forward; round every map to fp16, note its max and min, and cache it (the disk write runs in the
//                   background during the next forward); top-k by spatial max; and the threshold counts
//                   (Tallies/ThresholdCounts): only the upsampled pixels that can reach the unit's floor are computed
//                   (MapUpsampler.Above) and counted per fp16 key, every other pixel is counted below the floor
//                   wholesale. So T, the exact top-q level, is known when the model pass ends.
//   pass 2 (IoU):   per unit, the raw histogram (values counted by fp16 bits, then folded into bins), and for maps
//                   that can reach T the upsampled pixels above T, counted against the labels (Tallies/IouTally),
//                   per half of the dataset (LabelReliability.HalfOf) for split-half reliability (LabelReliability).
// The method's rules (MethodRules, from DissectionSettings.Rules) decide what differs: PNAS thresholds the upsampled
// maps (zero-padded, fp16-rounded), CVPR17 the raw maps and upsamples with PIL's rule; both compare the upsampled map
// with T, and the rules also pick the label counting and the mask term of the IoU (IouTally). Only if a unit's T
// lies under the floor that the first batch set (data whose later batches are much weaker) do threshold passes over
// the cache run between the two (at most two, exact).
// Values: raw maps are rounded to fp16 when captured and upsampled maps after interpolation (relative error <= 2^-11),
// so thresholds, masks and stored maps agree exactly, and T is exact by counting (Tallies/Fp16).
// Hot loops are plain C# over spans, parallel over units (each unit's counts belong to one thread at a time).
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using Dissection.Core.Datasets;
using Dissection.Core.Tallies;
using Dissection.Core.Work;
using static TorchSharp.torch;

namespace Dissection.Core.Dissection;

internal static class DissectionPipeline
{
    /// <summary>After each batch a unit's floor rises to the level that this many times q of its values so far lie above:
    /// data seen so far is a far better guide than the first batch's raw maps, so it can sit closer to T.</summary>
    private const double RaiseFactor = 2;

    /// <param name="floorFactor">The floor of each unit is the first batch's top-(floorFactor * q) raw level: low enough
    /// that T is almost always above it, high enough that most maps never need upsampling in pass 1.</param>
    public static IReadOnlyList<LayerResult> Run(DissectionInputs inputs, IReadOnlyList<string> layers, DissectionSettings s,
        IProgress<DissectionProgress>? progress, CancellationToken cancel, string? cacheRoot, double floorFactor = 4)
    {
        var clock = Stopwatch.StartNew();
        using var noGrad = no_grad();
        using var state = new State(cacheRoot);
        RunPass1(inputs, layers, s, progress, cancel, state, floorFactor);
        if (state.Processed.Count == 0) throw NoImageLoaded(inputs.Images.Count, state.Skipped);

        FindThresholds(s, progress, cancel, state.Cache, state.Processed, state.Batches, state.Tallies, layers);
        Pass2(inputs, progress, cancel, state.Cache, state.Processed, state.Batches, state.Tallies, layers, s);

        return layers.Select(l =>
        {
            var t = state.Tallies[l];
            return new LayerResult(l, [t.Units, t.Height, t.Width], t.Results(state.Processed, inputs.Concepts, inputs.Categories, s.TopConcepts),
                state.Processed.Count, clock.Elapsed) { SkippedImages = state.Skipped.ToList() };
        }).ToList();
    }

    internal static InvalidDataException NoImageLoaded(int selected, IReadOnlyList<string> skipped) =>
        new($"none of the {selected} selected images could be loaded" + (skipped.Count > 0 ? $" (first: {skipped[0]})" : ""));

    /// <summary>What the passes keep between them for one set of images (the whole dataset, or one shard of it).</summary>
    internal sealed class State(string? cacheRoot) : IDisposable
    {
        public ActivationCache Cache { get; } = new(cacheRoot);
        public List<DatasetImage> Processed { get; } = [];
        /// <summary>Rows per pass-1 batch; cache passes replay the same chunks.</summary>
        public List<int> Batches { get; } = [];
        public List<string> Skipped { get; } = [];
        /// <summary>Per layer; absent when no image of the set loaded.</summary>
        public Dictionary<string, LayerTally> Tallies { get; } = new(StringComparer.Ordinal);
        public void Dispose() => Cache.Dispose();
    }

    /// <summary>Pass 1 over the inputs' images into <paramref name="state"/>: ranges, top-k, threshold counts, the cache.</summary>
    /// <param name="rankScale">A shard's floors sit as low as if its values were this many times as many (the dataset's
    /// values over the shard's): T is the whole dataset's top-q level, and at most q·N of ALL values lie above it, so a
    /// floor at the shard's own top-q·N level never lies above T and the merge needs no window pass (ShardedDissection).</param>
    internal static void RunPass1(DissectionInputs inputs, IReadOnlyList<string> layers, DissectionSettings s,
        IProgress<DissectionProgress>? progress, CancellationToken cancel, State state, double floorFactor = 4, double rankScale = 1)
    {
        if (!(rankScale >= 1)) throw new ArgumentOutOfRangeException(nameof(rankScale));
        Validate(s, layers);
        NativeHeap.ReturnLargeBlocks();
        if (!(floorFactor > 0)) throw new ArgumentOutOfRangeException(nameof(floorFactor));
        Pass1(inputs, layers, s, progress, cancel, state.Cache, state.Processed, state.Batches, state.Skipped, state.Tallies, floorFactor, rankScale);
        state.Cache.Complete(state.Processed.Count);
    }

    /// <summary>Pass 2 over the state's cache: thresholds (t.Counts resolved, t.Thresholds), ranges and top-k must be
    /// the whole dataset's (a shard gets them from the coordinator).</summary>
    internal static void RunPass2(DissectionInputs inputs, IReadOnlyList<string> layers, DissectionSettings s,
        IProgress<DissectionProgress>? progress, CancellationToken cancel, State state) =>
        Pass2(inputs, progress, cancel, state.Cache, state.Processed, state.Batches, state.Tallies,
            layers.Where(state.Tallies.ContainsKey).ToList(), s);

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

    /// <summary>The segmentation size of an image; a dataset without labels uses the map size (no upsampling).</summary>
    private static (int H, int W) SegSize(DatasetImage image, LayerTally t) =>
        image.SegHeight > 0 && image.SegWidth > 0 ? (image.SegHeight, image.SegWidth) : (t.Height, t.Width);

    // ---------------------------------------------------------------------------------------------------------------
    private static void Pass1(DissectionInputs inputs, IReadOnlyList<string> layers, DissectionSettings s,
        IProgress<DissectionProgress>? progress, CancellationToken cancel, ActivationCache cache,
        List<DatasetImage> processed, List<int> batchRows, List<string> skipped, Dictionary<string, LayerTally> tallies, double floorFactor,
        double rankScale)
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
                            ObservePass1(layer, act, batch.Images, s, cache, tallies, floorFactor, rankScale);
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

    /// <summary>A batch of one layer's maps as fp16 bits, (B, U, h, w) row-major, with each map's maximum (B, U).</summary>
    private sealed record Maps(ushort[] Bits, float[] Max, int Images, int Units, int H, int W)
    {
        public int Size => H * W;
        /// <summary>Each map's minimum (B, U); pass 1 only.</summary>
        public float[] Min { get; init; } = [];
        public ReadOnlySpan<ushort> All => Bits.AsSpan(0, Images * Units * Size);
        public ReadOnlySpan<ushort> Map(int image, int unit) => Bits.AsSpan((image * Units + unit) * Size, Size);
    }

    /// <summary>The batch rounded to fp16, in <paramref name="buffer"/> (grown when too small and reused, so that
    /// large batches do not churn the large-object heap).</summary>
    private static Maps ToFp16(string layer, Tensor act, int images, ref ushort[] buffer)
    {
        using var scope = NewDisposeScope();
        if (act.dim() != 4 || act.shape[0] != images)
            throw new InvalidOperationException($"layer {layer}: expected ({images},U,h,w) activations, got [{string.Join(",", act.shape)}]");
        var half = act.detach().to(ScalarType.Float16, CPU).contiguous();
        var count = (int)half.numel();
        if (buffer.Length < count) buffer = new ushort[count];
        half.bytes.CopyTo(MemoryMarshal.AsBytes(buffer.AsSpan(0, count)));
        var maps = new Maps(buffer, new float[images * (int)act.shape[1]], images, (int)act.shape[1], (int)act.shape[2], (int)act.shape[3])
        {
            Min = new float[images * (int)act.shape[1]],
        };
        var nonFinite = false;
        Parallel.For(0, maps.Max.Length, m =>
        {
            var (min, max, bad) = Fp16.Range(maps.Bits.AsSpan(m * maps.Size, maps.Size));
            (maps.Min[m], maps.Max[m]) = (min, max);
            if (bad) nonFinite = true;
        });
        if (nonFinite) throw new InvalidOperationException($"layer {layer}: an activation is not finite or exceeds the fp16 cache range (65504)");
        return maps;
    }

    private static void ObservePass1(string layer, Tensor act, IReadOnlyList<DatasetImage> images, DissectionSettings s,
        ActivationCache cache, Dictionary<string, LayerTally> tallies, double floorFactor, double rankScale)
    {
        if (!tallies.TryGetValue(layer, out var t))
            tallies[layer] = t = new LayerTally(layer, (int)act.shape[1], (int)act.shape[^2], (int)act.shape[^1], s.TopK, s.Rules);
        // Two buffers in turn: the cache may still be writing the previous batch from the other one.
        var buffer = t.Buffers[t.Batches % 2];
        var maps = ToFp16(layer, act, images.Count, ref buffer);
        t.Buffers[t.Batches++ % 2] = buffer;
        cache.Append(layer, maps.Bits, maps.All.Length, [maps.Units, maps.H, maps.W], maps.Max);
        var raw = s.Rules.ThresholdOver == ThresholdValues.Raw;
        var sizes = images.Select(i => SegSize(i, t)).ToArray();
        t.Counts ??= new ThresholdCounts(Floors(maps, s.Quantile * floorFactor * rankScale));

        var batchValues = raw ? (long)images.Count * maps.Size : sizes.Sum(z => (long)z.H * z.W);
        Parallel.For(0, maps.Units, Scratch.Rent, (u, _, scratch) =>
        {
            var lowCut = t.Counts!.LowCut(u);
            float unitMin = t.RawMin[u], unitMax = t.RawMax[u];
            for (var i = 0; i < images.Count; i++)
            {
                var map = maps.Map(i, u);
                var (min, max) = (maps.Min[i * maps.Units + u], maps.Max[i * maps.Units + u]);
                unitMin = Math.Min(unitMin, min);
                unitMax = Math.Max(unitMax, max);
                var (height, width) = sizes[i];
                // Zero-padded bilinear weights are >= 0 and sum to <= 1, so an upsampled value (after fp16 rounding)
                // never exceeds max(0, raw max): a map below the floor has every value below it.
                if ((raw ? max : Math.Max(0, max)) < lowCut) { t.Counts.AddBelow(u, raw ? map.Length : (long)height * width); continue; }
                CountMap(t.Counts, u, map, raw, t.UpsamplerTo(height, width), scratch);
            }
            t.RawMin[u] = unitMin;
            t.RawMax[u] = unitMax;
            t.Counts.RaiseFloor(u, (long)Math.Floor(RaiseFactor * s.Quantile * rankScale * (t.Values + batchValues)));
            return scratch;
        }, Scratch.Return);
        t.TopK.Add(maps.Max, images.Select(i => i.Index).ToList());
        t.Values += batchValues;
    }

    /// <summary>Per unit, the key of the first batch's top-(fraction) raw level (the floor), or of the smallest
    /// positive value when that level is not positive (sparse units: zeros then stay below the floor).</summary>
    private static int[] Floors(Maps maps, double fraction)
    {
        var floors = new int[maps.Units];
        Parallel.For(0, maps.Units, Scratch.Rent, (u, _, scratch) =>
        {
            var counts = scratch.ByBits;   // indexed by key here; zeroed again below
            int lo = Fp16.Keys, hi = -1;
            for (var i = 0; i < maps.Images; i++)
                foreach (var bits in maps.Map(i, u))
                {
                    var k = Fp16.Key(bits);
                    counts[k]++;
                    if (k < lo) lo = k;
                    if (k > hi) hi = k;
                }
            var n = (long)maps.Images * maps.Size;
            var rank = Math.Clamp((long)Math.Floor(fraction * n), 0, n - 1);
            long seen = 0;
            var floor = lo;
            for (var k = hi; k >= lo; k--)
            {
                seen += counts[k];
                if (seen > rank) { floor = k; break; }
            }
            Array.Clear(counts, lo, hi - lo + 1);
            floors[u] = Math.Max(floor, Fp16.ZeroKey + 1);
            return scratch;
        }, Scratch.Return);
        return floors;
    }

    /// <summary>Per-thread buffers for one map at a time, pooled: the parallel loops run once per layer and batch, and
    /// fresh buffers each time (the bit counts alone are 256 KB) would churn the large-object heap.</summary>
    private sealed class Scratch
    {
        private static readonly System.Collections.Concurrent.ConcurrentBag<Scratch> Pool = [];
        public static Scratch Rent() => Pool.TryTake(out var s) ? s : new Scratch();
        public static void Return(Scratch s) { if (Pool.Count < 2 * Environment.ProcessorCount) Pool.Add(s); }

        private float[] _raw = [];
        private bool[] _hot = [];
        private float[] _wide = [];
        public int[] Pixels = [];
        public float[] Values = [];
        /// <summary>65,536 counts, all zero between uses: values by fp16 bit pattern for the histogram
        /// (HistogramTally.AddCounted zeroes it), or by key for the floors.</summary>
        public int[] ByBits => _byBits ??= new int[Fp16.Keys];
        private int[]? _byBits;

        public ReadOnlySpan<float> Raw(ReadOnlySpan<ushort> map)
        {
            if (_raw.Length != map.Length) _raw = new float[map.Length];
            for (var i = 0; i < map.Length; i++) _raw[i] = Fp16.ToFloat(map[i]);
            return _raw;
        }

        /// <summary>The upsampled pixels of a map at or above <paramref name="cut"/> (MapUpsampler.Above): their count;
        /// indices in <see cref="Pixels"/>, values in <see cref="Values"/>.</summary>
        public int UpsampleAbove(ReadOnlySpan<ushort> map, IMapUpsampler upsampler, float cut)
        {
            var size = upsampler.Height * upsampler.Width;
            if (Pixels.Length < size) { Pixels = new int[size]; Values = new float[size]; }
            if (_hot.Length < upsampler.H) _hot = new bool[upsampler.H];
            if (_wide.Length < upsampler.ScratchLength + upsampler.Width) _wide = new float[upsampler.ScratchLength + upsampler.Width];
            return upsampler.Above(map, cut, Pixels, Values, _hot, _wide);
        }
    }

    /// <summary>Counts one map into a unit's threshold counts: the raw values (CVPR17), or the upsampled rows that can
    /// reach the unit's window, the other rows counted below it wholesale (PNAS).</summary>
    private static void CountMap(ThresholdCounts counts, int u, ReadOnlySpan<ushort> map, bool raw, IMapUpsampler upsampler, Scratch scratch)
    {
        if (raw) { counts.Add(u, scratch.Raw(map)); return; }
        var n = scratch.UpsampleAbove(map, upsampler, counts.LowCut(u));
        counts.Add(u, scratch.Values.AsSpan(0, n));
        counts.AddBelow(u, (long)upsampler.Height * upsampler.Width - n);
    }

    // ---------------------------------------------------------------------------------------------------------------
    /// <summary>Reads T off the threshold counts; for the rare unit whose T lies under its floor, replays the cache
    /// with a window under the floor (coarse bins, then single keys) until every T is known.</summary>
    private static void FindThresholds(DissectionSettings s, IProgress<DissectionProgress>? progress, CancellationToken cancel,
        ActivationCache cache, List<DatasetImage> processed, List<int> batches, Dictionary<string, LayerTally> tallies,
        IReadOnlyList<string> layers)
    {
        var raw = s.Rules.ThresholdOver == ThresholdValues.Raw;
        var open = layers.Where(l => tallies[l].Counts!.Resolve(s.Quantile, Total(tallies[l]), Lowest(tallies[l], raw))).ToList();
        for (var pass = 1; open.Count > 0; pass++)
        {
            var phase = new PhaseClock($"thresholds: pass {pass}", (long)processed.Count * open.Count, progress);
            phase.Report(0);
            long done = 0;
            foreach (var layer in open)
                CountWindow(tallies[layer], layer, raw, cache, processed, batches, cancel, rows => phase.Report(done += rows));
            open = open.Where(l => tallies[l].Counts!.Resolve(s.Quantile, Total(tallies[l]), Lowest(tallies[l], raw))).ToList();
        }
        foreach (var t in tallies.Values)
            t.Thresholds = Enumerable.Range(0, t.Units).Select(u => Fp16.Value(t.Counts!.ThresholdKey(u))).ToArray();
    }

    /// <summary>Per unit, a key no value lies below: min(0, raw min) after upsampling (PNAS), the raw min (CVPR17).</summary>
    internal static int[] Lowest(LayerTally t, bool raw) => t.RawMin.Select(m => Fp16.KeyOf(raw ? m : Math.Min(0, m))).ToArray();

    /// <summary>One pass over a layer's cache counting every unresolved unit's values into its window (t.Counts).</summary>
    internal static void CountWindow(LayerTally t, string layer, bool raw, ActivationCache cache, List<DatasetImage> processed,
        List<int> batches, CancellationToken cancel, Action<int>? done = null)
    {
        foreach (var (first, bits, maxes) in cache.Read(layer, batches, t.Buffers[0]))
        {
            cancel.ThrowIfCancellationRequested();
            var rows = processed.GetRange((int)first, maxes.Length / t.Units);
            var maps = new Maps(bits, maxes, rows.Count, t.Units, t.Height, t.Width);
            Parallel.For(0, t.Units, Scratch.Rent, (u, _, scratch) =>
            {
                if (t.Counts!.IsResolved(u)) return scratch;
                var lowCut = t.Counts.LowCut(u);
                for (var i = 0; i < rows.Count; i++)
                {
                    var map = maps.Map(i, u);
                    var max = maps.Max[i * t.Units + u];
                    if ((raw ? max : Math.Max(0, max)) < lowCut) continue;
                    var (height, width) = SegSize(rows[i], t);
                    CountMap(t.Counts, u, map, raw, t.UpsamplerTo(height, width), scratch);
                }
                return scratch;
            }, Scratch.Return);
            done?.Invoke(rows.Count);
        }
    }

    internal static long[] Total(LayerTally t) => Enumerable.Repeat(t.Values, t.Units).ToArray();

    // ---------------------------------------------------------------------------------------------------------------
    private static void Pass2(DissectionInputs inputs, IProgress<DissectionProgress>? progress, CancellationToken cancel,
        ActivationCache cache, List<DatasetImage> processed, List<int> batches, Dictionary<string, LayerTally> tallies,
        IReadOnlyList<string> layers, DissectionSettings s)
    {
        var topOf = new Dictionary<string, Dictionary<int, List<(int Unit, int Rank)>>>(StringComparer.Ordinal);
        foreach (var layer in layers)
        {
            var t = tallies[layer];
            t.Histogram = new HistogramTally(t.RawMin, t.RawMax, s.HistogramBins);
            t.Iou = inputs.Labels is null ? null : new IouTally(t.Units, inputs.Concepts, inputs.Categories, s.Rules);
            t.TopMaps = Enumerable.Range(0, t.Units).Select(u => new float[t.TopK.Top(u).Count][]).ToArray();
            // Mask: fp16(upsampled) > T, i.e. its key >= key(T) + 1, i.e. the float itself >= this cut; PIL's
            // upsampling is not rounded to fp16, so there the float itself must exceed T.
            t.MaskCuts = Enumerable.Range(0, t.Units).Select(u => s.Rules.Upsampling == MapUpsampling.PilBilinear
                ? MathF.BitIncrement(t.Thresholds[u])
                : Fp16.SmallestRoundingToKey(t.Counts!.ThresholdKey(u) + 1)).ToArray();
            var lookup = new Dictionary<int, List<(int, int)>>();
            for (var u = 0; u < t.Units; u++)
                foreach (var (rank, (_, image)) in t.TopK.Top(u).Index())
                    (lookup.TryGetValue(image, out var l) ? l : lookup[image] = []).Add((u, rank));
            topOf[layer] = lookup;
        }

        var phase = new PhaseClock("pass 2: IoU", processed.Count, progress);
        phase.Report(0);
        var readers = layers.Select(l => cache.Read(l, batches, tallies[l].Buffers[0]).GetEnumerator()).ToList();
        try
        {
            var first = 0;
            foreach (var chunk in batches)
            {
                cancel.ThrowIfCancellationRequested();
                var rows = processed.GetRange(first, chunk);
                first += chunk;
                var labels = inputs.Labels is { } read ? ReadLabels(rows, read) : null;
                // Label planes are prepared once per batch and segmentation size, for all layers.
                var prepared = new Dictionary<(int, int), (BatchLabels Labels, int[] Rows)>();
                var slot = new (BatchLabels Labels, int Image)[rows.Count];
                if (labels is not null)
                {
                    foreach (var group in Enumerable.Range(0, rows.Count).GroupBy(r => (labels[r].SegHeight, labels[r].SegWidth)))
                    {
                        var members = group.ToArray();
                        var batch = new BatchLabels(members.Select(r => labels[r]).ToList(), inputs.Concepts.Count, s.Rules.LabelCounting,
                            members.Select(r => LabelReliability.HalfOf(rows[r].Index)).ToList());
                        prepared[group.Key] = (batch, members);
                        for (var i = 0; i < members.Length; i++) slot[members[i]] = (batch, i);
                    }
                }
                try
                {
                    for (var li = 0; li < layers.Count; li++)
                    {
                        if (!readers[li].MoveNext()) throw new InvalidOperationException($"activation cache of layer {layers[li]} ended early");
                        var t = tallies[layers[li]];
                        foreach (var (batch, _) in prepared.Values) t.Iou?.AddLabels(batch);
                        var (_, bits, maxes) = readers[li].Current;
                        ObservePass2(t, new Maps(bits, maxes, rows.Count, t.Units, t.Height, t.Width), rows,
                            labels is null ? null : slot, topOf[layers[li]]);
                    }
                }
                finally { foreach (var (batch, _) in prepared.Values) batch.Dispose(); }
                phase.Report(first);
            }
        }
        finally { foreach (var r in readers) r.Dispose(); }
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

    /// <summary>One layer's batch in the IoU pass: every map goes into the raw histogram; only maps that can reach T
    /// (max(0, raw max) at or above the mask cut, see pass 1) are upsampled, and their pixels above T are counted.</summary>
    private static void ObservePass2(LayerTally t, Maps maps, List<DatasetImage> rows, (BatchLabels Labels, int Image)[]? slots,
        Dictionary<int, List<(int Unit, int Rank)>> topOf)
    {
        var histogram = t.Histogram!;
        Parallel.For(0, t.Units, Scratch.Rent, (u, _, scratch) =>
        {
            var cut = t.MaskCuts[u];
            for (var i = 0; i < rows.Count; i++)
            {
                var map = maps.Map(i, u);
                Fp16.CountBits(map, scratch.ByBits);
                if (t.Iou is not { } iou || slots is null) continue;
                if (Math.Max(0, maps.Max[i * t.Units + u]) < cut) continue;
                var (height, width) = SegSize(rows[i], t);
                var n = scratch.UpsampleAbove(map, t.UpsamplerTo(height, width), cut);
                iou.AddMask(u, slots[i].Image, scratch.Pixels.AsSpan(0, n), slots[i].Labels);
            }
            histogram.AddCounted(u, scratch.ByBits);
            return scratch;
        }, Scratch.Return);
        for (var r = 0; r < rows.Count; r++)
        {
            if (!topOf.TryGetValue(rows[r].Index, out var wanted)) continue;
            foreach (var (u, rank) in wanted)
            {
                var map = maps.Map(r, u);
                var values = new float[map.Length];
                for (var p = 0; p < map.Length; p++) values[p] = Fp16.ToFloat(map[p]);
                t.TopMaps[u][rank] = values;
            }
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
