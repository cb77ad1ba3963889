// The pixels of the IoU pass whose activation lies inside a unit's threshold bracket [lo, hi] (the search's interval
// known to hold the exact threshold T), kept with their concepts until T is known. Pixels above hi are mask pixels and
// pixels below lo are not, whatever T is; only the bracketed ones wait. Their values are exactly the values the
// threshold search still has to look at, so the same set also yields T (ThresholdSearch.ResolveDeferred), and the
// threshold and the IoU counts come out of ONE pass over the data. Memory: at most CollectCap pixels per unit (the
// pipeline narrows larger brackets first), independent of the dataset size.
using static TorchSharp.torch;

namespace Dissection.Core.Tallies;

internal sealed class DeferredPixels(int units)
{
    private readonly List<float>[] _values = Enumerable.Range(0, units).Select(_ => new List<float>()).ToArray();
    // Per unit, the concepts of each deferred pixel: _ends[u][i] is where pixel i's run in _concepts[u] ends.
    private readonly List<int>[] _ends = Enumerable.Range(0, units).Select(_ => new List<int>()).ToArray();
    private readonly List<int>[] _concepts = Enumerable.Range(0, units).Select(_ => new List<int>()).ToArray();

    public int Units => _values.Length;
    public long Count => _values.Sum(v => (long)v.Count);

    /// <summary>Row r of <paramref name="values"/> (rows, P) is unit rowUnits[r]'s upsampled map of batch image
    /// rowImages[r]; <paramref name="deferred"/> (rows, P) marks the bracketed pixels. Without labels only the
    /// values are kept (the threshold still needs them).</summary>
    public void Add(int[] rowUnits, int[] rowImages, Tensor values, Tensor deferred, BatchLabels? batch)
    {
        using var scope = NewDisposeScope();
        var active = deferred.nonzero();                                       // (K, 2): row, pixel, row-major
        var k = (int)active.shape[0];
        if (k == 0) return;
        var picked = values.masked_select(deferred).data<float>().ToArray();   // same row-major order
        var row = active.select(1, 0).data<long>().ToArray();
        long[] planes = [];
        if (batch?.PlaneConcepts is { } p)
        {
            var column = tensor(rowImages.Select(i => (long)i * batch.Pixels).ToArray()).index_select(0, active.select(1, 0)).add_(active.select(1, 1));
            planes = p.index_select(1, column).contiguous().data<long>().ToArray();
        }
        var planeCount = planes.Length / k;
        for (var i = 0; i < k; i++)
        {
            var u = rowUnits[row[i]];
            _values[u].Add(picked[i]);
            var concepts = _concepts[u];
            for (var j = 0; j < planeCount; j++)
            {
                var c = planes[j * k + i];
                if (c > 0) concepts.Add((int)c);
            }
            if (batch is not null) concepts.AddRange(batch.ImageLabels[rowImages[row[i]]]);
            _ends[u].Add(concepts.Count);
        }
    }

    /// <summary>Finishes the search's open units from their deferred values, then adds the deferred pixels above
    /// each unit's exact threshold to the IoU counts (PNAS union: one mask pixel per pixel).</summary>
    public void Resolve(ThresholdSearch search, IouTally? iou)
    {
        if (search.Units != Units) throw new ArgumentException($"search has {search.Units} units, expected {Units}");
        if (iou is { PerCategoryUnion: true }) throw new ArgumentException("deferred pixels carry no categories; the per-category union needs the threshold first");
        for (var u = 0; u < Units; u++)
        {
            search.ResolveDeferred(u, _values[u]);
            if (iou is null) continue;
            var t = search.Thresholds[u];
            var values = _values[u];
            var concepts = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_concepts[u]);
            var start = 0;
            for (var i = 0; i < values.Count; i++)
            {
                var end = _ends[u][i];
                if (values[i] > t) iou.AddPixel(u, concepts[start..end], []);
                start = end;
            }
        }
    }
}
