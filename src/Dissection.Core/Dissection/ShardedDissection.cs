// The coordinator of a dissection split into shards of images (DissectionShard), whatever carries the calls (an
// Orleans cluster, threads in one process): pass 1 on every shard, merged (ranges, top-k, value counts at the
// highest floor); thresholds read off the merged counts, with window passes on every shard for the rare unit whose T
// lies under the merged floor; pass 2 on every shard with those thresholds, its histograms, IoU counts and top maps
// summed. Every merged quantity is an exact sum or an order-free choice (top-k ties go to the lower image index), and
// shards are whole batches, so the results are bit-identical to DissectionRun.Execute whatever the shard count and the
// order replies arrive in (ShardedDissectionTests).
using Dissection.Core.Datasets;
using Dissection.Core.Tallies;
using Dissection.Core.Work;

namespace Dissection.Core.Dissection;

/// <summary>How the coordinator reaches the shards. Calls for different shards may run at once; a failed call is
/// the transport's to retry (a shard's replies depend only on its range and the request, not on which worker ran it).</summary>
public interface IDissectionShards
{
    IReadOnlyList<ShardRange> Ranges { get; }
    Task<byte[]> Pass1Async(int shard, CancellationToken cancel);
    Task<byte[]> CountWindowsAsync(int shard, byte[] windows, CancellationToken cancel);
    Task<byte[]> Pass2Async(int shard, byte[] plan, CancellationToken cancel);
}

/// <summary>What the coordinator needs of the dataset: the selected images (their paths name the top images), the
/// label vocabulary and whether there are labels. From DissectionRun.ShardScope or GeneratorDissection.ShardScope.</summary>
public sealed record DissectionScope(IReadOnlyList<DatasetImage> Images, IReadOnlyList<Concept> Concepts, IReadOnlyList<string> Categories,
    bool Labelled, DissectionSettings Settings);

public static class ShardedDissection
{
    /// <summary>Bytes received per phase, for the cluster bench (merge cost per shard).</summary>
    public sealed record Traffic(long Pass1Bytes, long WindowBytes, long Pass2Bytes, TimeSpan MergeTime, int WindowPasses);

    public static async Task<(IReadOnlyList<LayerResult> Layers, Traffic Traffic)> RunAsync(DissectionScope scope, IReadOnlyList<string> layers,
        IDissectionShards shards, IProgress<DissectionProgress>? progress = null, CancellationToken cancel = default)
    {
        var s = scope.Settings;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var merge = new System.Diagnostics.Stopwatch();
        var n = shards.Ranges.Count;
        var raw = s.Rules.ThresholdOver == ThresholdValues.Raw;

        var replies = await Each(n, "pass 1: model", progress, i => shards.Pass1Async(i, cancel));
        merge.Start();
        var pass1 = replies.Select(ReadPass1).ToList();
        var processed = pass1.Sum(p => p.Processed.Length);
        var skipped = pass1.SelectMany(p => p.Skipped).ToList();
        if (processed == 0) throw DissectionPipeline.NoImageLoaded(scope.Images.Count, skipped);
        var tallies = new Dictionary<string, LayerTally>(StringComparer.Ordinal);
        for (var l = 0; l < layers.Count; l++)
        {
            var parts = pass1.Select(p => p.Layers[l]).OfType<Pass1Layer>().ToList();
            var first = parts[0];
            var t = new LayerTally(layers[l], first.Units, first.Height, first.Width, s.TopK, s.Rules);
            foreach (var p in parts)
            {
                if (p.Units != t.Units || p.Height != t.Height || p.Width != t.Width)
                    throw new InvalidDataException($"layer {layers[l]}: shards disagree on its shape");
                for (var u = 0; u < t.Units; u++)
                {
                    t.RawMin[u] = Math.Min(t.RawMin[u], p.RawMin[u]);
                    t.RawMax[u] = Math.Max(t.RawMax[u], p.RawMax[u]);
                }
                t.Values += p.Values;
                t.TopK.Merge(p.TopK(t.Units, s.TopK));
            }
            t.Counts = ThresholdCounts.Merge(parts.Select(p => p.Counts).ToList());
            tallies[layers[l]] = t;
        }

        var open = layers.Where(l => tallies[l].Counts!.Resolve(s.Quantile, DissectionPipeline.Total(tallies[l]),
            DissectionPipeline.Lowest(tallies[l], raw))).ToList();
        merge.Stop();
        long windowBytes = 0;
        var windowPasses = 0;
        while (open.Count > 0)
        {
            windowPasses++;
            var request = ShardWire.Write("windows", w =>
            {
                foreach (var layer in layers)
                {
                    w.Write(open.Contains(layer));
                    if (!open.Contains(layer)) continue;
                    var windows = tallies[layer].Counts!.Windows();
                    w.Write(windows.Length);
                    foreach (var x in windows) { w.Write(x.Lo); w.Write(x.Hi); w.Write(x.Shift); w.Write(x.Threshold); }
                }
            });
            var counted = await Each(n, $"thresholds: pass {windowPasses}", progress, i => shards.CountWindowsAsync(i, request, cancel));
            merge.Start();
            windowBytes += counted.Sum(c => (long)c.Length);
            foreach (var reply in counted)
                ShardWire.Read(reply, "window-counts", r =>
                {
                    foreach (var layer in layers)
                    {
                        if (!r.ReadBoolean()) continue;
                        var t = tallies[layer];
                        for (var u = 0; u < t.Units; u++) t.Counts!.AddCounts(u, r.SparseLongs(), r.ReadInt64());
                    }
                    return 0;
                });
            open = open.Where(l => tallies[l].Counts!.Resolve(s.Quantile, DissectionPipeline.Total(tallies[l]),
                DissectionPipeline.Lowest(tallies[l], raw))).ToList();
            merge.Stop();
        }

        merge.Start();
        foreach (var t in tallies.Values)
        {
            t.Thresholds = Enumerable.Range(0, t.Units).Select(u => Fp16.Value(t.Counts!.ThresholdKey(u))).ToArray();
            t.Histogram = new HistogramTally(t.RawMin, t.RawMax, s.HistogramBins);
            t.Iou = scope.Labelled ? new IouTally(t.Units, scope.Concepts, scope.Categories, s.Rules) : null;
            t.TopMaps = Enumerable.Range(0, t.Units).Select(u => new float[t.TopK.Top(u).Count][]).ToArray();
        }
        var plan = ShardWire.Write("plan", w =>
        {
            foreach (var layer in layers)
            {
                var t = tallies[layer];
                w.Ints(Enumerable.Range(0, t.Units).Select(u => t.Counts!.ThresholdKey(u)).ToList());
                w.Floats(t.RawMin);
                w.Floats(t.RawMax);
                DissectionShard.WriteTopK(w, t.TopK);
            }
        });
        merge.Stop();
        var pass2 = await Each(n, "pass 2: IoU", progress, i => shards.Pass2Async(i, plan, cancel));
        merge.Start();
        foreach (var reply in pass2)
            ShardWire.Read(reply, "pass2", r =>
            {
                foreach (var layer in layers)
                {
                    if (!r.ReadBoolean()) continue;
                    var t = tallies[layer];
                    t.Histogram!.AddCounts(r.SparseLongs());
                    if (r.ReadBoolean())
                    {
                        var counts = Enumerable.Range(0, 7).Select(_ => r.SparseDoubles()).ToArray();
                        (t.Iou ?? throw new InvalidDataException("a shard sent IoU counts for an unlabelled dataset")).AddSnapshot(counts);
                    }
                    for (var m = r.ReadInt32(); m > 0; m--)
                    {
                        var (u, k) = (r.ReadInt32(), r.ReadInt32());
                        t.TopMaps[u][k] = r.Floats();
                    }
                }
                return 0;
            });
        var results = layers.Select(l =>
        {
            var t = tallies[l];
            return new LayerResult(l, [t.Units, t.Height, t.Width], t.Results(scope.Images, scope.Concepts, scope.Categories, s.TopConcepts),
                processed, clock.Elapsed) { SkippedImages = skipped };
        }).ToList();
        merge.Stop();
        return (results, new Traffic(replies.Sum(b => (long)b.Length), windowBytes, pass2.Sum(b => (long)b.Length), merge.Elapsed, windowPasses));
    }

    /// <summary>Runs one call per shard at once; progress counts shards done.</summary>
    private static async Task<byte[][]> Each(int n, string phase, IProgress<DissectionProgress>? progress, Func<int, Task<byte[]>> call)
    {
        var done = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        progress?.Report(new DissectionProgress(phase, 0, n, 0));
        return await Task.WhenAll(Enumerable.Range(0, n).Select(async i =>
        {
            var reply = await call(i).ConfigureAwait(false);
            var now = Interlocked.Increment(ref done);
            progress?.Report(new DissectionProgress(phase, now, n, now / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
            return reply;
        })).ConfigureAwait(false);
    }

    private sealed record Pass1Layer(int Units, int Height, int Width, long Values, float[] RawMin, float[] RawMax,
        Func<int, int, TopKTally> TopK, (int Lo, long[] Counts, long Below)[] Counts);

    private sealed record Pass1Reply(int[] Processed, string[] Skipped, Pass1Layer?[] Layers);

    private static Pass1Reply ReadPass1(byte[] bytes) => ShardWire.Read(bytes, "pass1", r =>
    {
        var processed = r.Ints();
        var skipped = r.Strings();
        var layers = new List<Pass1Layer?>();
        while (r.BaseStream.Position < r.BaseStream.Length)
        {
            if (!r.ReadBoolean()) { layers.Add(null); continue; }
            var (units, h, w, values) = (r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt64());
            var (min, max, top) = (r.Floats(), r.Floats(), DissectionShard.ReadTopK(r));
            var counts = Enumerable.Range(0, units).Select(_ => (r.ReadInt32(), r.SparseLongs(), r.ReadInt64())).ToArray();
            layers.Add(new Pass1Layer(units, h, w, values, min, max, top, counts));
        }
        return new Pass1Reply(processed, skipped, layers.ToArray());
    });
}
