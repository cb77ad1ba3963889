// A dashboard reading while a run writes: every read sees a whole layer (one version of it) or none, never a part.
using System.Collections.Concurrent;
using Dissection.Core.Dissection;
using Dissection.Core.Storage;

namespace Dissection.Core.Tests.Storage;

public sealed class ConcurrentReadWriteTests : IDisposable
{
    private readonly TempDatabase _db = new();
    public void Dispose() => _db.Dispose();

    private const int Units = 32;
    private const int Versions = 12;

    /// <summary>Version v of layer "conv": every unit's threshold is v, so a mix of versions is visible.</summary>
    private static LayerResult Version(string name, int v) =>
        new(name, [Units, 3, 3], Enumerable.Range(0, Units).Select(u => SampleResults.Unit(u, v, mapH: 3, mapW: 3, threshold: v)).ToList(),
            v, TimeSpan.FromSeconds(v));

    [Fact]
    public void Readers_never_see_a_partial_layer()
    {
        var store = _db.Open();
        var run = SampleResults.CreateRun(store, layers: ["conv", "fc"]);
        var problems = new ConcurrentQueue<string>();
        var writing = true;
        var reads = 0;

        var writer = Task.Run(() =>
        {
            try
            {
                for (var v = 1; v <= Versions; v++)
                {
                    store.Layers.SaveLayer(run, Version("conv", v));
                    store.Layers.SaveLayer(run, Version("fc", v));
                    store.Runs.UpdateProgress(run, "saving", v / (double)Versions, 1);
                }
            }
            finally { Volatile.Write(ref writing, false); }
        });

        void Check(string what, IEnumerable<float> thresholds, int count)
        {
            var distinct = thresholds.Distinct().ToList();
            if (count != Units || distinct.Count != 1) problems.Enqueue($"{what}: {count} units, thresholds {string.Join(",", distinct)}");
        }

        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            // At least a few reads each, however fast the writer finishes.
            for (var i = 0; Volatile.Read(ref writing) || i < 5; i++)
            {
                if (store.Layers.GetLayer(run, "conv") is { } layer)
                {
                    Check("GetLayer", layer.Units.Select(u => u.Threshold), layer.Units.Count);
                    if (layer.Units.Count > 0 && layer.Images != (int)layer.Units[0].Threshold) problems.Enqueue("layer row and units from different saves");
                }
                var summaries = store.Layers.GetUnitSummaries(run, "fc");
                if (summaries.Count > 0) Check("GetUnitSummaries", summaries.Select(s => s.Threshold), summaries.Count);
                foreach (var l in store.Layers.GetLayerSummaries(run))
                    if (l.Units != Units) problems.Enqueue($"GetLayerSummaries: {l.Layer} has {l.Units} units");
                Interlocked.Increment(ref reads);
            }
        })).ToArray();

        Task.WaitAll([writer, .. readers]);
        Assert.Empty(problems);
        Assert.True(reads >= 10);
        Assert.Equal((float)Versions, store.Layers.GetLayer(run, "conv")!.Units[0].Threshold);
    }
}
