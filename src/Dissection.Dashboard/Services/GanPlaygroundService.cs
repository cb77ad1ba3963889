// The GAN paint playground's engine door: finds a generator checkpoint by name in the model folders, loads it once
// (shared by every circuit, with the gate that serialises its forward passes), supplies the units of each concept from
// the latest stored dissection of that generator, and the paint level per unit (the 99th percentile: from that run, or
// computed once by Core's PaintLevels and cached on disk). The painting itself is Core's PaintSession.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dissection.Core.Gan;
using Dissection.Core.Models;
using Dissection.Core.Storage;

namespace Dissection.Dashboard.Services;

/// <summary>A loaded generator shared by all circuits, with the file it came from.</summary>
public sealed class GanModel
{
    internal GanModel(string path, DateTime writtenUtc, SharedGenerator shared)
    {
        Path = path;
        WrittenUtc = writtenUtc;
        Shared = shared;
    }

    public string Name => Shared.Name;
    public string Path { get; }
    public DateTime WrittenUtc { get; }
    public ProGanLayout Layout => Shared.Layout;
    public int Resolution => Shared.Resolution;
    /// <summary>Editable layers: layer1…layerN (not the RGB output).</summary>
    public IReadOnlyList<string> Layers => Shared.Layers;
    public string DefaultLayer => Shared.DefaultLayer;

    /// <summary>Units and spatial side of a layer's output; null when the generator has no such layer.</summary>
    public (int Units, int Side)? LayerShape(string layer) => Shared.LayerShape(layer);

    internal SharedGenerator Shared { get; }
}

/// <summary>A unit ranked for a concept by its stored IoU with that concept.</summary>
public sealed record RankedUnit(int Unit, double Iou);

/// <summary>A concept of a layer with its units, best IoU first; Detectors counts units above the run's IoU threshold.</summary>
public sealed record ConceptUnits(string Concept, string Category, int Detectors, IReadOnlyList<RankedUnit> Units);

/// <summary>What the latest stored dissection of a generator says about one layer.</summary>
/// <param name="Labels">Each unit's best label (null: none), by unit number.</param>
/// <param name="Levels">Each unit's 99th-percentile level by unit number, when the run thresholded at the top 1 %.</param>
public sealed record StoredGanLayer(RunInfo Run, IReadOnlyList<ConceptUnits> Concepts, IReadOnlyDictionary<int, string> Labels, float[]? Levels);

public sealed partial class GanPlaygroundService(RepoPaths paths, StoreAccess store, ILogger<GanPlaygroundService> log, Dissection.Core.Work.InteractivePriority priority) : IDisposable
{
    /// <summary>The demo generator's name: data/models/world-gan.pt.</summary>
    public const string DemoModel = "world-gan";
    /// <summary>Samples the paint levels are computed from when no stored run has them.</summary>
    public const int LevelSamples = 256;
    public const double LevelQuantile = 0.99;
    private static readonly string[] Extensions = [".pt", ".pth", ".safetensors"];

    private readonly ConcurrentDictionary<(string Path, DateTime Written), Lazy<Task<GanModel>>> _models = new();
    private readonly ConcurrentDictionary<(string Path, DateTime Written, string Layer), Lazy<Task<float[]>>> _levels = new();

    public static string TrainCommand(string model) => $"dissect train gan --dataset data/world --out data/models/{model}.pt";

    /// <summary>The checkpoint file for a model name inside the model folders, or null when there is none.</summary>
    /// <exception cref="ArgumentException">the name is not a plain file name.</exception>
    public string? FindCheckpoint(string model)
    {
        if (!ModelName().IsMatch(model))
            throw new ArgumentException($"'{model}' is not a model name: use letters, digits, '.', '-' or '_' (e.g. {DemoModel})");
        foreach (var folder in paths.ModelFolders)
        foreach (var ext in Extensions)
        {
            var file = Path.Combine(folder, model + ext);
            // A linked checkpoint counts only when its real file is inside a model folder too.
            if (File.Exists(file) && Dissection.Core.Datasets.PathContainment.IsInside(file, folder)) return Path.GetFullPath(file);
        }
        return null;
    }

    /// <summary>The generator, loaded once per file version and shared.</summary>
    public async Task<GanModel> LoadAsync(string model, string path)
    {
        var key = (path, File.GetLastWriteTimeUtc(path));
        var lazy = _models.GetOrAdd(key, k => new Lazy<Task<GanModel>>(() => Task.Run(() =>
        {
            var g = GeneratorSpec.Load(k.Path);
            g.eval();
            log.LogInformation("Loaded generator {Path}: {Resolution} px, layers {Channels}", k.Path, g.Resolution, string.Join(",", g.Layout.Channels));
            return new GanModel(k.Path, k.Item2, new SharedGenerator(model, g, priority));
        })));
        try { return await lazy.Value; }
        catch { _models.TryRemove(key, out _); throw; }
    }

    /// <summary>The latest finished dissection of this generator that has the layer; null when there is none.</summary>
    public Task<StoredGanLayer?> StoredLayerAsync(GanModel model, string layer) => store.ReadAsync(s =>
    {
        var run = s.Runs.ListRuns().Where(r => r.Status == RunStatus.Done && r.Layers.Contains(layer) && IsRunOf(r, model.Path))
            .OrderByDescending(r => r.CreatedUtc).ThenByDescending(r => r.Id).FirstOrDefault();
        if (run is null) return null;
        var units = s.Layers.GetUnitSummaries(run.Id, layer);
        if (units.Count == 0) return null;
        var concepts = units
            .SelectMany(u => u.TopConcepts.Where(c => c.Iou > 0).Select(c => (u.Unit, c)))
            .GroupBy(x => x.c.Name)
            .Select(g => new ConceptUnits(g.Key, g.First().c.Category,
                g.Count(x => x.c.Iou > run.Settings.IouThreshold),
                g.OrderByDescending(x => x.c.Iou).ThenBy(x => x.Unit).Select(x => new RankedUnit(x.Unit, x.c.Iou)).ToList()))
            .OrderByDescending(c => c.Detectors).ThenByDescending(c => c.Units[0].Iou).ThenBy(c => c.Concept, StringComparer.Ordinal)
            .ToList();
        var labels = units.Where(u => u.Label is not null).ToDictionary(u => u.Unit, u => u.Label!.Name);
        float[]? levels = null;
        var channels = model.LayerShape(layer)?.Units ?? 0;
        if (Math.Abs(run.Settings.Quantile - (1 - LevelQuantile)) < 1e-9 && units.Count == channels && units.All(u => u.Unit < channels))
        {
            levels = new float[channels];
            foreach (var u in units) levels[u.Unit] = u.Threshold;
        }
        return (StoredGanLayer?)new StoredGanLayer(run, concepts, labels, levels);
    });

    /// <summary>Each unit's paint level: the stored run's top-1 % threshold, else the 99th percentile of the layer's
    /// features over LevelSamples seeded samples, computed once per checkpoint version and cached on disk.</summary>
    public async Task<float[]> LevelsAsync(GanModel model, string layer, StoredGanLayer? stored, CancellationToken ct = default)
    {
        if (stored?.Levels is { } fromRun) return fromRun;
        var key = (model.Path, model.WrittenUtc, layer);
        var lazy = _levels.GetOrAdd(key, _ => new Lazy<Task<float[]>>(() => ComputeLevelsAsync(model, layer)));
        try { return await lazy.Value.WaitAsync(ct); }
        catch (Exception e) when (e is not OperationCanceledException) { _levels.TryRemove(key, out _); throw; }
    }

    private async Task<float[]> ComputeLevelsAsync(GanModel model, string layer)
    {
        var file = Path.Combine(paths.CacheFolder, "gan",
            $"{Path.GetFileNameWithoutExtension(model.Path)}-{model.WrittenUtc.Ticks}", $"{layer}-q{LevelQuantile * 100:0}.json");
        var (units, _) = model.LayerShape(layer) ?? throw new ArgumentException($"no layer '{layer}'");
        try
        {
            if (File.Exists(file) && JsonSerializer.Deserialize<float[]>(await File.ReadAllTextAsync(file)) is { } cached && cached.Length == units)
                return cached;
        }
        catch (Exception e) when (e is IOException or JsonException) { log.LogWarning("Ignoring the unreadable level cache {File}: {Message}", file, e.Message); }

        var watch = Stopwatch.StartNew();
        var levels = await model.Shared.RunAsync(() => PaintLevels.Compute(model.Shared, layer, LevelSamples, LevelQuantile));
        log.LogInformation("Paint levels of {Layer} from {Samples} samples in {Ms} ms", layer, LevelSamples, watch.ElapsedMilliseconds);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllTextAsync(file, JsonSerializer.Serialize(levels));
        }
        catch (IOException e) { log.LogWarning("Could not cache the paint levels at {File}: {Message}", file, e.Message); }
        return levels;
    }

    private bool IsRunOf(RunInfo run, string checkpoint)
    {
        try
        {
            // proggan:PATH, or a bare PATH (GeneratorSpec takes both), resolved the one way stored runs are.
            var spec = StoredRunModel.Spec(run.Model, paths.Root);
            var path = spec.Checkpoint is not null && string.Equals(spec.Arch, GeneratorSpec.Arch, StringComparison.OrdinalIgnoreCase)
                ? spec.Checkpoint : StoredRunModel.ResolvePath(paths.Root, run.Model);
            return string.Equals(path, checkpoint, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException) { return false; }
    }

    public void Dispose()
    {
        foreach (var lazy in _models.Values)
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully) lazy.Value.Result.Shared.Dispose();
    }

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$")] private static partial Regex ModelName();
}
