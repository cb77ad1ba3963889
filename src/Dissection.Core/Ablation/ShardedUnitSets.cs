// An ablation split into shards of units: every Evaluate of the experiment (single units, group curves, random sets)
// is cut into contiguous chunks of unit sets, each chunk measured by a worker's own AblationSession on the same
// images (AblationShard.Evaluate), and the metrics put back in order. Chunks are whole stacks (AblationSession.StackSize): each set's metrics
// depend only on the set, the images and its stack, so the experiment's numbers equal a single-process run's exactly (ShardedDissectionTests). The calls
// travel as byte[] (any transport; Core knows no cluster).
using System.Text;
using Dissection.Core.Work;

namespace Dissection.Core.Ablation;

/// <summary>How the coordinator reaches the workers: request and reply are AblationShard's bytes.</summary>
public interface IAblationShards
{
    /// <summary>Chunks each Evaluate is cut into (at most; fewer when there are fewer sets).</summary>
    int Count { get; }
    Task<byte[]> EvaluateAsync(int shard, byte[] request, CancellationToken cancel);
}

public sealed class ShardedUnitSets : IUnitSetEvaluator
{
    private readonly IAblationShards _shards;
    private readonly bool _ranking;
    private AblationShard.Facts _facts;

    private ShardedUnitSets(IAblationShards shards, bool ranking, AblationShard.Facts facts) => (_shards, _ranking, _facts) = (shards, ranking, facts);

    /// <summary>Asks a worker for the session's facts (layer, units, classes); <paramref name="ranking"/> picks the
    /// session on the ranking split (AblationSettings.RankSplit).</summary>
    public static async Task<ShardedUnitSets> OpenAsync(IAblationShards shards, bool ranking = false, CancellationToken cancel = default)
    {
        var reply = await shards.EvaluateAsync(0, AblationShard.Request(ranking, null, ""), cancel).ConfigureAwait(false);
        return new ShardedUnitSets(shards, ranking, AblationShard.Read(reply).Facts);
    }

    public string Layer => _facts.Layer;
    public int UnitCount => _facts.UnitCount;
    public IReadOnlyList<string> Classes => _facts.Classes;
    public bool Labelled => _facts.Labelled;
    public string Method => _facts.Method;
    public string Split => _facts.Split;
    public int Images => _facts.Images;
    public string Note => _facts.Note;
    public int StackSize => _facts.StackSize;

    public IReadOnlyList<ClassMetrics> Evaluate(IReadOnlyList<IReadOnlyCollection<int>> removed,
        IProgress<DissectionProgress>? progress = null, CancellationToken cancel = default, string phase = "ablation")
    {
        // Chunks of whole stacks, so that every set shares its tail pass with the sets it would share it with in one process.
        var k = Math.Max(1, StackSize);
        var stacks = (removed.Count + k - 1) / k;
        var n = Math.Max(1, Math.Min(_shards.Count, stacks));
        var chunks = Enumerable.Range(0, n).Select(i =>
        {
            var first = (int)((long)stacks * i / n) * k;
            var last = Math.Min(removed.Count, (int)((long)stacks * (i + 1) / n) * k);
            return removed.Skip(first).Take(last - first).ToList();
        }).ToList();
        var done = 0;
        progress?.Report(new DissectionProgress(phase, 0, n, 0));
        // Blocking here keeps AblationRunner synchronous; the calls themselves run at once.
        var replies = Task.WhenAll(chunks.Select(async (chunk, i) =>
        {
            var reply = AblationShard.Read(await _shards.EvaluateAsync(i, AblationShard.Request(_ranking, chunk, phase), cancel).ConfigureAwait(false));
            progress?.Report(new DissectionProgress(phase, Interlocked.Increment(ref done), n, 0));
            return reply;
        })).GetAwaiter().GetResult();
        _facts = replies[0].Facts;
        var metrics = new List<ClassMetrics> { replies[0].Metrics[0] };
        foreach (var r in replies) metrics.AddRange(r.Metrics.Skip(1));
        return metrics;
    }
}

/// <summary>The worker's side of ShardedUnitSets: one chunk of unit sets measured by the worker's session.</summary>
public static class AblationShard
{
    private const int Version = 1;

    internal sealed record Facts(string Layer, int UnitCount, IReadOnlyList<string> Classes, bool Labelled, string Method, string Split,
        int Images, string Note, int StackSize);

    internal static byte[] Request(bool ranking, IReadOnlyList<IReadOnlyCollection<int>>? sets, string phase) => Write(w =>
    {
        w.Write(ranking);
        w.Write(phase);
        w.Write(sets is not null);
        if (sets is null) return;
        w.Write(sets.Count);
        foreach (var set in sets) { w.Write(set.Count); foreach (var u in set) w.Write(u); }
    });

    /// <summary>Whether the request asks for the ranking session (AblationSettings.RankSplit) rather than the measured one.</summary>
    public static bool WantsRanking(byte[] request) => Reader(request).ReadBoolean();

    /// <summary>Measures the request's unit sets (none: only the facts) with <paramref name="session"/>.</summary>
    public static byte[] Evaluate(IUnitSetEvaluator session, byte[] request, IProgress<DissectionProgress>? progress = null,
        CancellationToken cancel = default)
    {
        var r = Reader(request);
        r.ReadBoolean();
        var phase = r.ReadString();
        IReadOnlyList<ClassMetrics> metrics = [];
        if (r.ReadBoolean())
        {
            var sets = Enumerable.Range(0, r.ReadInt32())
                .Select(_ => (IReadOnlyCollection<int>)Enumerable.Range(0, r.ReadInt32()).Select(_ => r.ReadInt32()).ToArray()).ToList();
            metrics = session.Evaluate(sets, progress, cancel, phase);
        }
        return Write(w =>
        {
            w.Write(session.Layer); w.Write(session.UnitCount);
            w.Write(session.Classes.Count); foreach (var c in session.Classes) w.Write(c);
            w.Write(session.Labelled); w.Write(session.Method); w.Write(session.Split); w.Write(session.Images); w.Write(session.Note); w.Write(session.StackSize);
            w.Write(metrics.Count);
            foreach (var m in metrics)
            {
                Doubles(w, m.Accuracy); Doubles(w, m.BalancedAccuracy); w.Write(m.OverallAccuracy); w.Write(m.MeanConfidence);
                Doubles(w, m.ClassProbability);
            }
        });
    }

    internal static (Facts Facts, IReadOnlyList<ClassMetrics> Metrics) Read(byte[] reply)
    {
        var r = Reader(reply);
        var facts = new Facts(r.ReadString(), r.ReadInt32(), Enumerable.Range(0, r.ReadInt32()).Select(_ => r.ReadString()).ToList(),
            r.ReadBoolean(), r.ReadString(), r.ReadString(), r.ReadInt32(), r.ReadString(), r.ReadInt32());
        var metrics = Enumerable.Range(0, r.ReadInt32()).Select(_ =>
            new ClassMetrics(Doubles(r), Doubles(r), r.ReadDouble(), r.ReadDouble()) { ClassProbability = Doubles(r) }).ToList();
        return (facts, metrics);
    }

    private static byte[] Write(Action<BinaryWriter> body)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write("ablation");
            w.Write(Version);
            body(w);
        }
        return stream.ToArray();
    }

    private static BinaryReader Reader(byte[] bytes)
    {
        var r = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        if (r.ReadString() != "ablation" || r.ReadInt32() != Version)
            throw new InvalidDataException($"not an ablation shard message of version {Version}");
        return r;
    }

    private static void Doubles(BinaryWriter w, double[] a) { w.Write(a.Length); foreach (var v in a) w.Write(v); }
    private static double[] Doubles(BinaryReader r) { var a = new double[r.ReadInt32()]; for (var i = 0; i < a.Length; i++) a[i] = r.ReadDouble(); return a; }
}
