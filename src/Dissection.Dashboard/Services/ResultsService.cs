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
    /// <summary>Whether a run dissected a generator (its model is proggan:CHECKPOINT) rather than a classifier.</summary>
    public static bool IsGenerator(RunInfo run) =>
        run.Model.StartsWith(Core.Models.GeneratorSpec.Arch + ":", StringComparison.OrdinalIgnoreCase);

    public Task<IReadOnlyList<RunInfo>> ListRunsAsync() => store.ReadAsync(s => s.Runs.ListRuns());

    public Task<RunInfo?> GetRunAsync(long run) => store.ReadAsync(s => s.Runs.GetRun(run));

    /// <summary>A GAN run's stored causal experiments (dissect gan-removal / gan-context); empty for other runs.</summary>
    public Task<(IReadOnlyList<StoredRemovalCurve> Removals, IReadOnlyList<StoredContextInsertion> Contexts)> GetGanExperimentsAsync(long run) =>
        store.ReadAsync(s => (s.Gan.GetRemovalCurves(run), s.Gan.GetContextInsertions(run)));

    /// <summary>The run's saved layers in run order, each with its detector counts per category.</summary>
    public Task<IReadOnlyList<LayerCategoryCounts>> GetLayerCountsAsync(RunInfo run) =>
        Cached(run, "counts", () => store.ReadAsync<IReadOnlyList<LayerCategoryCounts>>(s =>
            s.Layers.GetLayerSummaries(run.Id).Select(l => new LayerCategoryCounts(l.Layer, l.Units, l.DetectorsPerCategory, l.UniqueConcepts)).ToList()));

    /// <summary>Names of the layers that have results (run order).</summary>
    public async Task<IReadOnlyList<string>> GetLayerNamesAsync(RunInfo run) =>
        (await GetLayerCountsAsync(run)).Select(l => l.Layer).ToList();

    public Task<LayerResult?> GetLayerAsync(RunInfo run, string layer) =>
        store.ReadAsync(s => s.Layers.GetLayer(run.Id, layer));

    /// <summary>Every unit of a layer without maps, by unit number; null when the layer has no results.</summary>
    public Task<IReadOnlyList<GalleryUnit>?> GetUnitsAsync(RunInfo run, string layer) =>
        Cached(run, "units:" + layer, () => store.ReadAsync<IReadOnlyList<GalleryUnit>?>(s =>
        {
            var units = s.Layers.GetUnitSummaries(run.Id, layer);
            return units.Count == 0 ? null : units.Select(u => Summarize(u, run.Settings.IouThreshold)).ToList();
        }));

    public Task<UnitResult?> GetUnitAsync(RunInfo run, string layer, int unit) =>
        store.ReadAsync(s => s.Layers.GetUnit(run.Id, layer, unit));

    /// <summary>One top image with its raw map (for rendering), or null.</summary>
    public Task<TopImage?> GetTopImageAsync(RunInfo run, string layer, int unit, int rank) =>
        store.ReadAsync(s => s.Layers.GetTopImageMap(run.Id, layer, unit, rank));

    /// <summary>Units in every layer of the run whose label is the concept, best IoU first.</summary>
    public Task<IReadOnlyList<LayerUnit>> UnitsWithConceptAsync(RunInfo run, string concept) =>
        Cached(run, "concept:" + concept, () => store.ReadAsync<IReadOnlyList<LayerUnit>>(s =>
            s.Layers.FindUnitsByConcept(run.Id, concept)
                .Select(u => new LayerUnit(u.Layer, Summarize(u, run.Settings.IouThreshold)))
                .OrderByDescending(u => u.Unit.Iou).ToList()));

    public static GalleryUnit Summarize(UnitSummary u, double iouThreshold) =>
        new(u.Unit, u.Label?.Name, u.Label?.Category, u.Label?.Iou ?? 0, u.Threshold, u.IsDetector(iouThreshold), u.TopImages.Count)
        {
            Reliability = u.Reliability,
        };

    public static GalleryUnit Summarize(UnitResult u, double iouThreshold) =>
        new(u.Unit, u.Label?.Name, u.Label?.Category, u.Label?.Iou ?? 0, u.Threshold, u.IsDetector(iouThreshold), u.TopImages.Count)
        {
            Reliability = u.Reliability,
        };

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
