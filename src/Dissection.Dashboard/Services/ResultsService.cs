// Read-only views of stored results for pages and the REST API: runs, layer summaries, unit summaries, single units.
// Finished runs never change, so their summaries are cached in memory.
using Dissection.Core.Dissection;
using Dissection.Core.Storage;
using Dissection.Dashboard.Gallery;
using Microsoft.Extensions.Caching.Memory;

namespace Dissection.Dashboard.Services;

/// <summary>A unit of some layer that carries a given concept (concept page, "same label" links).</summary>
public sealed record LayerUnit(string Layer, GalleryUnit Unit);

public sealed class ResultsService(StoreAccess store, IMemoryCache cache)
{
    public Task<IReadOnlyList<RunInfo>> ListRunsAsync() => store.ReadAsync(s => s.ListRuns());

    public Task<RunInfo?> GetRunAsync(long run) => store.ReadAsync(s => s.GetRun(run));

    /// <summary>The run's layers in the order they were requested, each with its detector counts.</summary>
    public async Task<IReadOnlyList<LayerCategoryCounts>> GetLayerCountsAsync(RunInfo run)
    {
        var names = await GetLayerNamesAsync(run);
        var result = new List<LayerCategoryCounts>();
        foreach (var name in names)
            result.Add(ConceptHistogram.PerCategory(name, await GetUnitsAsync(run, name) ?? []));
        return result;
    }

    /// <summary>Names of the layers that have results (stored order).</summary>
    public Task<IReadOnlyList<string>> GetLayerNamesAsync(RunInfo run) =>
        Cached(run, "layers", () => store.ReadAsync<IReadOnlyList<string>>(s =>
            s.GetLayers(run.Id).Select(l => l.Layer).ToList()))!;

    public Task<LayerResult?> GetLayerAsync(RunInfo run, string layer) =>
        store.ReadAsync(s => s.GetLayer(run.Id, layer));

    /// <summary>Every unit of a layer without maps; null when the layer has no results.</summary>
    public Task<IReadOnlyList<GalleryUnit>?> GetUnitsAsync(RunInfo run, string layer) =>
        Cached(run, "units:" + layer, () => store.ReadAsync<IReadOnlyList<GalleryUnit>?>(s =>
            s.GetLayer(run.Id, layer) is { } l ? l.Units.Select(u => Summarize(u, run.Settings.IouThreshold)).ToList() : null));

    public Task<UnitResult?> GetUnitAsync(RunInfo run, string layer, int unit) =>
        store.ReadAsync(s => s.GetUnit(run.Id, layer, unit));

    /// <summary>Units in every layer of the run whose label is the concept, best IoU first.</summary>
    public async Task<IReadOnlyList<LayerUnit>> UnitsWithConceptAsync(RunInfo run, string concept)
    {
        var found = new List<LayerUnit>();
        foreach (var layer in await GetLayerNamesAsync(run))
            foreach (var u in await GetUnitsAsync(run, layer) ?? [])
                if (string.Equals(u.Concept, concept, StringComparison.OrdinalIgnoreCase))
                    found.Add(new LayerUnit(layer, u));
        return found.OrderByDescending(f => f.Unit.Iou).ToList();
    }

    public static GalleryUnit Summarize(UnitResult u, double iouThreshold) =>
        new(u.Unit, u.Label?.Name, u.Label?.Category, u.Label?.Iou ?? 0, u.Threshold, u.IsDetector(iouThreshold), u.TopImages.Count);

    private async Task<T> Cached<T>(RunInfo run, string what, Func<Task<T>> load)
    {
        if (run.Status != RunStatus.Done) return await load();
        // The creation time guards against a recreated database reusing a run id.
        var key = (store.DatabasePath, run.Id, run.CreatedUtc, what);
        if (cache.TryGetValue(key, out T? hit)) return hit!;
        var value = await load();
        cache.Set(key, value, new MemoryCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(30), Size = 1 });
        return value;
    }
}
