// One shard of a dissection: a contiguous range of the selected images (ShardRange, whole batches, so the model sees
// exactly the batches of a single-process run), dissected by the pipeline's own passes on the worker that holds the
// model. Pass 1 returns the shard's mergeable tallies (ranges, top-k, the fp16 value counts above its floor); a
// window pass counts the shard's values in windows the coordinator opened below the merged floor; pass 2 takes the
// whole dataset's thresholds, ranges and top-k and returns the shard's histogram, IoU counts and top maps. Every reply
// is a byte[] (ShardWire). A shard asked for a window pass or pass 2 without its pass 1 (the worker that ran it died,
// the coordinator moved the shard) runs pass 1 again first; its pass-1 reply was merged once, so nothing is counted twice.
using Dissection.Core.Datasets;
using Dissection.Core.Tallies;
using Dissection.Core.Work;
using static TorchSharp.torch;

namespace Dissection.Core.Dissection;

/// <summary>A range of the selected images (DissectionRun.SelectImages order): images First .. First + Count - 1.</summary>
public sealed record ShardRange(int First, int Count)
{
    /// <summary>Splits <paramref name="images"/> into at most <paramref name="shards"/> ranges of whole batches, in
    /// order (the last may be short; fewer ranges when there are fewer batches).</summary>
    public static IReadOnlyList<ShardRange> Split(int images, int batchSize, int shards)
    {
        if (batchSize < 1) throw new ArgumentException($"batch size must be at least 1, got {batchSize}");
        if (shards < 1) throw new ArgumentException($"shards must be at least 1, got {shards}");
        var batches = (images + batchSize - 1) / batchSize;
        var ranges = new List<ShardRange>();
        var n = Math.Min(shards, batches);
        var firstBatch = 0;
        for (var s = 0; s < n; s++)
        {
            var count = batches / n + (s < batches % n ? 1 : 0);
            var first = firstBatch * batchSize;
            ranges.Add(new ShardRange(first, Math.Min(images, (firstBatch + count) * batchSize) - first));
            firstBatch += count;
        }
        return ranges;
    }
}

public sealed class DissectionShard : IDisposable
{
    private readonly Func<CancellationToken, (DissectionInputs Inputs, IDisposable? Probe)> _inputs;
    private readonly IReadOnlyList<string> _layers;
    private readonly DissectionSettings _settings;
    private readonly string? _cacheRoot;
    private DissectionPipeline.State? _state;
    private DissectionInputs? _current;

    /// <param name="inputs">The shard's inputs, and what their forward pass holds on the model (a probe's hooks),
    /// released when pass 1 ends: workers of several shards may share one model.</param>
    /// <param name="share">The shard's images over all the selected images (its floors sit lower by that factor).</param>
    internal DissectionShard(Func<CancellationToken, (DissectionInputs Inputs, IDisposable? Probe)> inputs, IReadOnlyList<string> layers,
        DissectionSettings settings, string? cacheRoot, double share)
    {
        (_inputs, _layers, _settings, _cacheRoot, _share) = (inputs, layers, settings, cacheRoot, share);
    }

    private readonly double _share;

    private bool Raw => _settings.Rules.ThresholdOver == ThresholdValues.Raw;

    /// <summary>Runs the model over the shard's images; the reply holds the shard's pass-1 tallies.</summary>
    public byte[] Pass1(IProgress<DissectionProgress>? progress = null, CancellationToken cancel = default)
    {
        RunPass1(progress, cancel);
        var st = _state!;
        return ShardWire.Write("pass1", w =>
        {
            w.Ints(st.Processed.Select(i => i.Index).ToList());
            w.Strings(st.Skipped);
            foreach (var layer in _layers)
            {
                w.Write(st.Tallies.TryGetValue(layer, out var t));
                if (t is null) continue;
                w.Write(t.Units); w.Write(t.Height); w.Write(t.Width); w.Write(t.Values);
                w.Floats(t.RawMin); w.Floats(t.RawMax);
                WriteTopK(w, t.TopK);
                for (var u = 0; u < t.Units; u++)
                {
                    var (lo, counts, below) = t.Counts!.Snapshot(u);
                    w.Write(lo); w.SparseLongs(counts); w.Write(below);
                }
            }
        });
    }

    /// <summary>Counts the shard's values in the coordinator's windows (ShardedDissection's threshold passes).</summary>
    public byte[] CountWindows(byte[] windows, CancellationToken cancel = default)
    {
        var open = ShardWire.Read(windows, "windows", r => _layers.Select(_ => r.ReadBoolean()
            ? Enumerable.Range(0, r.ReadInt32()).Select(_ => new ThresholdCounts.WindowState(r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32())).ToArray()
            : null).ToList());
        if (_state is null) RunPass1(null, cancel);
        var st = _state!;
        using var noGrad = no_grad();
        return ShardWire.Write("window-counts", w =>
        {
            for (var l = 0; l < _layers.Count; l++)
            {
                var present = open[l] is not null && st.Tallies.ContainsKey(_layers[l]);
                w.Write(present);
                if (!present) continue;
                var t = st.Tallies[_layers[l]];
                t.Counts = ThresholdCounts.FromWindows(open[l]!);
                DissectionPipeline.CountWindow(t, _layers[l], Raw, st.Cache, st.Processed, st.Batches, cancel);
                for (var u = 0; u < t.Units; u++)
                {
                    var (_, counts, below) = t.Counts.Snapshot(u);
                    w.SparseLongs(counts); w.Write(below);
                }
            }
        });
    }

    /// <summary>Pass 2 over the shard's cached maps with the whole dataset's thresholds, ranges and top-k.</summary>
    public byte[] Pass2(byte[] plan, IProgress<DissectionProgress>? progress = null, CancellationToken cancel = default)
    {
        var layers = ShardWire.Read(plan, "plan", r => _layers.Select(_ => (Keys: r.Ints(), Min: r.Floats(), Max: r.Floats(), Top: ReadTopK(r))).ToList());
        if (_state is null) RunPass1(null, cancel);
        var st = _state!;
        for (var l = 0; l < _layers.Count; l++)
        {
            if (!st.Tallies.TryGetValue(_layers[l], out var t)) continue;
            var (keys, min, max, top) = layers[l];
            t.Counts = ThresholdCounts.FromWindows(keys.Select(k => new ThresholdCounts.WindowState(k, k + 1, 0, k)).ToArray());
            t.Thresholds = keys.Select(Fp16.Value).ToArray();
            min.CopyTo(t.RawMin, 0);
            max.CopyTo(t.RawMax, 0);
            t.TopK = top(t.Units, _settings.TopK);
        }
        using (no_grad()) DissectionPipeline.RunPass2(_current!, _layers, _settings, progress, cancel, st);
        return ShardWire.Write("pass2", w =>
        {
            foreach (var layer in _layers)
            {
                w.Write(st.Tallies.TryGetValue(layer, out var t));
                if (t is null) continue;
                w.SparseLongs(t.Histogram!.AllCounts);
                w.Write(t.Iou is not null);
                if (t.Iou is { } iou) foreach (var a in iou.Snapshot()) w.SparseDoubles(a);
                var maps = new List<(int Unit, int Rank, float[] Map)>();
                for (var u = 0; u < t.Units; u++)
                    for (var k = 0; k < t.TopMaps[u].Length; k++)
                        if (t.TopMaps[u][k] is { } map) maps.Add((u, k, map));
                w.Write(maps.Count);
                foreach (var (u, k, map) in maps) { w.Write(u); w.Write(k); w.Floats(map); }
            }
        });
    }

    private void RunPass1(IProgress<DissectionProgress>? progress, CancellationToken cancel)
    {
        _state?.Dispose();
        _state = null;
        var (inputs, probe) = _inputs(cancel);
        _current = inputs;
        var state = new DissectionPipeline.State(_cacheRoot);
        try
        {
            using var noGrad = no_grad();
            DissectionPipeline.RunPass1(_current, _layers, _settings, progress, cancel, state, rankScale: 1 / _share);
        }
        catch
        {
            state.Dispose();
            throw;
        }
        finally { probe?.Dispose(); }
        _state = state;
    }

    internal static void WriteTopK(BinaryWriter w, TopKTally top)
    {
        w.Write(top.Units);
        for (var u = 0; u < top.Units; u++)
        {
            var list = top.Top(u);
            w.Write(list.Count);
            foreach (var (score, image) in list) { w.Write(score); w.Write(image); }
        }
    }

    /// <summary>Reads a top-k list; the tally is built when the caller knows k.</summary>
    internal static Func<int, int, TopKTally> ReadTopK(BinaryReader r)
    {
        var units = Enumerable.Range(0, r.ReadInt32()).Select(_ =>
            Enumerable.Range(0, r.ReadInt32()).Select(_ => (Score: r.ReadSingle(), Image: r.ReadInt32())).ToList()).ToList();
        return (count, k) =>
        {
            if (units.Count != count) throw new InvalidDataException($"top-k of {units.Count} units, expected {count}");
            var tally = new TopKTally(count, k);
            for (var u = 0; u < count; u++) foreach (var (s, i) in units[u]) tally.Add(u, s, i);
            return tally;
        };
    }

    public void Dispose()
    {
        _state?.Dispose();
        _state = null;
    }
}
