// Per-unit top-k images by a score (the unit's spatial max of its raw map). Streaming and mergeable: merging two
// tallies keeps the best k of their union, so shards of a dataset can be tallied separately. Ties are broken by the
// lower image index, which makes the result independent of batch boundaries and of merge order.
namespace Dissection.Core.Tallies;

internal sealed class TopKTally
{
    private readonly List<(float Score, int Image)>[] _best;

    public TopKTally(int units, int k)
    {
        if (k < 0) throw new ArgumentOutOfRangeException(nameof(k));
        K = k;
        _best = Enumerable.Range(0, units).Select(_ => new List<(float, int)>(k + 1)).ToArray();
    }

    public int K { get; }
    public int Units => _best.Length;

    /// <summary>scores is row-major (images x units); images[i] is the dataset index of row i.</summary>
    public void Add(float[] scores, IReadOnlyList<int> images)
    {
        var units = Units;
        if (scores.Length != images.Count * units) throw new ArgumentException($"expected {images.Count}x{units} scores, got {scores.Length}");
        for (var u = 0; u < units; u++)
            for (var i = 0; i < images.Count; i++)
                Offer(u, scores[i * units + u], images[i]);
    }

    public void Merge(TopKTally other)
    {
        if (other.Units != Units || other.K != K) throw new ArgumentException("top-k tallies differ in units or k");
        for (var u = 0; u < Units; u++)
            foreach (var (s, i) in other._best[u]) Offer(u, s, i);
    }

    /// <summary>Adds entries already scored (another tally's <see cref="Top"/>, sent by a shard).</summary>
    public void Add(int unit, float score, int image) => Offer(unit, score, image);

    /// <summary>Best first.</summary>
    public IReadOnlyList<(float Score, int Image)> Top(int unit) => _best[unit];

    private static bool Better((float Score, int Image) a, (float Score, int Image) b) =>
        a.Score > b.Score || (a.Score == b.Score && a.Image < b.Image);

    private void Offer(int unit, float score, int image)
    {
        if (K == 0 || float.IsNaN(score)) return;
        var list = _best[unit];
        var item = (score, image);
        if (list.Count == K && !Better(item, list[^1])) return;
        var pos = list.Count;
        while (pos > 0 && Better(item, list[pos - 1])) pos--;
        list.Insert(pos, item);
        if (list.Count > K) list.RemoveAt(K);
    }
}
