// Ablation results for the class page, the unit page's dependence chart, the run page's importance-vs-IoU chart, and
// live evaluations for the playground. The playground keeps one warm AblationSession per (run, layer) — model loaded,
// layer outputs cached in memory — so that a new unit selection is measured in seconds.
using Dissection.Core.Ablation;
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Models;
using Dissection.Core.Storage;
using Dissection.Dashboard.Ablation;
using Dissection.Core.Work;

namespace Dissection.Dashboard.Services;

public sealed class AblationService(StoreAccess store, RepoPaths paths, ILogger<AblationService> log, Dissection.Core.Work.InteractivePriority priority) : IDisposable
{
    /// <summary>Images the playground measures on: enough for stable per-class numbers, few enough for seconds.</summary>
    public const int PlaygroundImages = 1000;
    private const int MaxWarmSessions = 2;

    private readonly Lock _lock = new();
    private readonly List<WarmSession> _sessions = [];

    public Task<IReadOnlyList<AblationSummary>> ListAsync(long run) => store.ReadAsync(s => s.Ablations.ListAblations(run));

    public Task<AblationResult?> GetAsync(long run, string layer) => store.ReadAsync(s => s.Ablations.GetAblation(run, layer));

    public Task<UnitClassDependence?> GetUnitDependenceAsync(long run, string layer, int unit) =>
        store.ReadAsync(s => s.Ablations.GetUnitClassDependence(run, layer, unit));

    /// <summary>Everything the class page shows; null when no ablated layer of the run knows the class.</summary>
    public Task<ClassView?> GetClassViewAsync(long run, string className, string? layer) => store.ReadAsync(s =>
    {
        var layers = s.Ablations.ListAblations(run);
        var chosen = layer ?? layers.LastOrDefault()?.Layer;
        if (chosen is null || s.Ablations.GetAblation(run, chosen) is not { } a) return null;
        var cls = a.Importance.FirstOrDefault(k => string.Equals(k.Name, className, StringComparison.OrdinalIgnoreCase));
        if (cls is null) return null;
        var units = s.Layers.GetUnitSummaries(run, chosen).ToDictionary(u => u.Unit);
        var cards = cls.ImportantUnits.Select(d => new ImportantUnitCard(d.Unit, d.Drop,
            units.TryGetValue(d.Unit, out var u) ? u.Label?.Name : null, units.TryGetValue(d.Unit, out u) ? u.Label?.Category : null,
            units.TryGetValue(d.Unit, out u) ? u.Label?.Iou : null, units.TryGetValue(d.Unit, out u) && u.TopImages.Count > 0,
            d.ProbabilityDrop)).ToList();
        return (ClassView?)new ClassView(chosen, layers.Select(l => l.Layer).ToList(), a, cls,
            a.Curves.FirstOrDefault(c => c.Class == cls.Class), cards, a.Baseline.Accuracy[cls.Class], units.Count > 0);
    });

    /// <summary>Per unit of an ablated, dissected layer: for how many classes it is important, and its best IoU.</summary>
    public Task<IReadOnlyList<UnitImportance>> ImportanceVsIouAsync(long run, string layer) => store.ReadAsync(s =>
    {
        if (s.Ablations.GetAblation(run, layer) is not { } a) return (IReadOnlyList<UnitImportance>)[];
        var summaries = s.Layers.GetUnitSummaries(run, layer);
        return AblationViews.ImportanceCounts(a, summaries);
    });

    /// <summary>
    /// Measures removing <paramref name="units"/> of the layer on up to PlaygroundImages images (the split the stored
    /// ablation used, else the run's dataset). The first call per (run, layer) loads the model and caches the layer's
    /// outputs; later calls only re-run the tail. Cancellable; one evaluation at a time per session.
    /// </summary>
    public async Task<PlaygroundResult> EvaluateAsync(RunInfo run, string layer, IReadOnlyCollection<int> units,
        IProgress<DissectionProgress>? progress, CancellationToken cancel)
    {
        var warm = GetOrCreate(run, layer);
        await warm.Gate.WaitAsync(cancel);
        try
        {
            using var lease = priority.Begin();
            return await Task.Run(() =>
            {
                var session = warm.Open(cancel);
                var metrics = session.Evaluate([units], progress, cancel, "playground");
                return AblationViews.Compare(session, units, metrics[0], metrics[1]);
            }, cancel);
        }
        finally { warm.Gate.Release(); }
    }

    private WarmSession GetOrCreate(RunInfo run, string layer)
    {
        lock (_lock)
        {
            var key = (store.DatabasePath, run.Id, run.CreatedUtc, layer);
            var found = _sessions.FirstOrDefault(w => w.Key == key);
            if (found is not null)
            {
                _sessions.Remove(found);
                _sessions.Add(found);   // most recently used last
                return found;
            }
            var split = store.Read(s => s.Ablations.GetAblation(run.Id, layer))?.Split;
            var created = new WarmSession(key, () => OpenSession(run, layer, split));
            _sessions.Add(created);
            while (_sessions.Count > MaxWarmSessions)
            {
                var old = _sessions[0];
                _sessions.RemoveAt(0);
                old.DisposeWhenIdle();
            }
            return created;
        }
    }

    /// <summary>How many images the playground measures this layer on, before the first measurement: the images
    /// of the split the stored ablation used (else the whole dataset), at most PlaygroundImages. Null when the dataset
    /// cannot be read.</summary>
    public Task<int?> PlaygroundImageCountAsync(RunInfo run, string layer) => Task.Run(() =>
    {
        try
        {
            var dataset = StoredRunModel.OpenDataset(run, paths.Root);
            var split = PlaygroundSplit(dataset, store.Read(s => s.Ablations.GetAblation(run.Id, layer))?.Split);
            return (int?)Math.Min(PlaygroundImages, dataset.Images.Count(i => split is null || i.Split == split));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    });

    /// <summary>The stored ablation's split when the dataset has it, else null (every image).</summary>
    private static string? PlaygroundSplit(ConceptDataset dataset, string? split) =>
        !string.IsNullOrEmpty(split) && dataset.Images.Any(i => i.Split == split) ? split : null;

    private (LoadedModel, AblationSession) OpenSession(RunInfo run, string layer, string? split)
    {
        var model = StoredRunModel.Load(run, paths.Root);
        try
        {
            var dataset = StoredRunModel.OpenDataset(run, paths.Root);
            var settings = new AblationSettings { Split = PlaygroundSplit(dataset, split), Limit = PlaygroundImages, BatchSize = 32 };
            AblationSession session;
            try { session = AblationSession.Open(model, dataset, layer, settings); }
            catch (ArgumentException e) when (e.Message.Contains("label-free", StringComparison.Ordinal))
            {
                // Labels that cannot be matched: still useful, as agreement with the unablated model.
                session = AblationSession.Open(model, dataset, layer, settings with { LabelFree = true });
            }
            log.LogInformation("Playground session for run {Run} layer {Layer}: {Images} images, method {Method}", run.Id, layer, session.Images, session.Method);
            return (model, session);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var w in _sessions) w.DisposeWhenIdle();
            _sessions.Clear();
        }
    }

    /// <summary>A lazily opened model + session with a gate so only one evaluation runs on it at a time.</summary>
    private sealed class WarmSession((string, long, DateTime, string) key, Func<(LoadedModel, AblationSession)> open)
    {
        public (string, long, DateTime, string) Key { get; } = key;
        public SemaphoreSlim Gate { get; } = new(1, 1);
        private (LoadedModel Model, AblationSession Session)? _opened;

        /// <summary>Call with the gate held.</summary>
        public AblationSession Open(CancellationToken cancel)
        {
            cancel.ThrowIfCancellationRequested();
            _opened ??= open();
            return _opened.Value.Session;
        }

        public void DisposeWhenIdle() => _ = Task.Run(async () =>
        {
            await Gate.WaitAsync();
            _opened?.Session.Dispose();
            _opened?.Model.Dispose();
            _opened = null;
        });
    }
}
