// The GAN paint playground's engine door: finds a generator checkpoint by name in the model folders, loads it once
// (shared by every circuit), serialises its forward passes (TorchSharp modules are not re-entrant), splits a run at
// the edited layer (head → features, features + edits → tail → image), supplies the units of each concept from the
// latest stored dissection of that generator, and the paint level per unit (the 99th percentile: from that run, or
// computed once from a few hundred samples and cached on disk).
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dissection.Core.Gan;
using Dissection.Core.Models;
using Dissection.Core.Storage;
using Dissection.Dashboard.Gan;
using SixLabors.ImageSharp;
using static TorchSharp.torch;

namespace Dissection.Dashboard.Services;

/// <summary>A loaded generator shared by all circuits. Use it only through the service, which holds its gate.</summary>
public sealed class GanModel
{
    internal GanModel(string name, string path, DateTime writtenUtc, ProgressiveGenerator generator)
    {
        Name = name;
        Path = path;
        WrittenUtc = writtenUtc;
        Generator = generator;
    }

    public string Name { get; }
    public string Path { get; }
    public DateTime WrittenUtc { get; }
    public ProGanLayout Layout => Generator.Layout;
    public int Resolution => Generator.Resolution;
    /// <summary>Editable layers: layer1…layerN (not the RGB output).</summary>
    public IReadOnlyList<string> Layers => Layout.BlockNames.Take(Layout.LayerCount).ToList();
    public string DefaultLayer => Layers.Contains("layer4") ? "layer4" : Layers[Layers.Count / 2];

    /// <summary>Units and spatial side of a layer's output; null when the generator has no such layer.</summary>
    public (int Units, int Side)? LayerShape(string layer)
    {
        var i = Layers.ToList().IndexOf(layer);
        return i < 0 ? null : (Layout.Channels[i], Layout.SizeOf(i + 1));
    }

    internal ProgressiveGenerator Generator { get; }
    internal SemaphoreSlim Gate { get; } = new(1, 1);
}

/// <summary>A unit ranked for a concept by its stored IoU with that concept.</summary>
public sealed record RankedUnit(int Unit, double Iou);

/// <summary>A concept of a layer with its units, best IoU first; Detectors counts units above the run's IoU threshold.</summary>
public sealed record ConceptUnits(string Concept, string Category, int Detectors, IReadOnlyList<RankedUnit> Units);

/// <summary>What the latest stored dissection of a generator says about one layer.</summary>
/// <param name="Labels">Each unit's best label (null: none), by unit number.</param>
/// <param name="Levels">Each unit's 99th-percentile level by unit number, when the run thresholded at the top 1 %.</param>
public sealed record StoredGanLayer(RunInfo Run, IReadOnlyList<ConceptUnits> Concepts, IReadOnlyDictionary<int, string> Labels, float[]? Levels);

public sealed partial class GanPlaygroundService(RepoPaths paths, StoreAccess store, ILogger<GanPlaygroundService> log) : IDisposable
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
            return new GanModel(model, k.Path, k.Item2, g);
        })));
        try { return await lazy.Value; }
        catch { _models.TryRemove(key, out _); throw; }
    }

    /// <summary>Latent for a seed: row 0 of ZDataset.FromSeed(Z, seed), so a seed means the same image everywhere.</summary>
    public static Tensor Latent(GanModel model, long seed)
    {
        using var z = ZDataset.FromSeed(model.Layout.ZDim, seed, 1);
        return z.Batch(0, 1);
    }

    /// <summary>The layer's output (1,U,h,w) for a seed: the part of the run an edit does not change.</summary>
    public async Task<Tensor> HeadAsync(GanModel model, long seed, string layer, CancellationToken ct = default)
    {
        var stop = IndexOf(model, layer);
        await model.Gate.WaitAsync(ct);
        try
        {
            return await Task.Run(() =>
            {
                using var scope = NewDisposeScope();
                using var _ = no_grad();
                var x = GeneratorBlocks.Run(model.Generator, GeneratorBlocks.Input(model.Generator, Latent(model, seed)), 0, stop);
                return x.detach().MoveToOuterDisposeScope();
            }, ct);
        }
        finally { model.Gate.Release(); }
    }

    /// <summary>The image (3,R,R) from the layer's features with the strokes applied, running only the tail.</summary>
    public async Task<Tensor> TailAsync(GanModel model, Tensor head, string layer, IReadOnlyList<PaintStroke> strokes, CancellationToken ct = default)
    {
        var start = IndexOf(model, layer) + 1;
        await model.Gate.WaitAsync(ct);
        try
        {
            return await Task.Run(() =>
            {
                using var scope = NewDisposeScope();
                using var _ = no_grad();
                var x = strokes.Count == 0 ? head : GeneratorIntervention.Apply(head, strokes.Select(s => s.ToEdit(layer)).ToList());
                x = GeneratorBlocks.Run(model.Generator, x, start, model.Layout.LayerCount);   // through the RGB output block
                return x[0].detach().MoveToOuterDisposeScope();
            }, ct);
        }
        finally { model.Gate.Release(); }
    }

    public static byte[] Png(Tensor image)
    {
        using var img = GeneratedImages.ToImage(image);
        using var ms = new MemoryStream();
        img.SaveAsPng(ms);
        return ms.ToArray();
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

        var stop = IndexOf(model, layer);
        var watch = Stopwatch.StartNew();
        await model.Gate.WaitAsync();
        float[] levels;
        try
        {
            levels = await Task.Run(() =>
            {
                using var scope = NewDisposeScope();
                using var _ = no_grad();
                using var zs = ZDataset.FromSeed(model.Layout.ZDim, seed: 1, LevelSamples);
                var perBatch = new List<Tensor>();
                foreach (var (_, z) in zs.Batches(32))
                {
                    var x = GeneratorBlocks.Run(model.Generator, GeneratorBlocks.Input(model.Generator, z), 0, stop);
                    perBatch.Add(x.transpose(0, 1).reshape(x.shape[1], -1));   // (U, B·h·w)
                }
                return UnitQuantiles(cat(perBatch, 1), LevelQuantile);
            });
        }
        finally { model.Gate.Release(); }
        log.LogInformation("Paint levels of {Layer} from {Samples} samples in {Ms} ms", layer, LevelSamples, watch.ElapsedMilliseconds);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllTextAsync(file, JsonSerializer.Serialize(levels));
        }
        catch (IOException e) { log.LogWarning("Could not cache the paint levels at {File}: {Message}", file, e.Message); }
        return levels;
    }

    /// <summary>Per row of (U, M) values, the q-quantile with linear interpolation between order statistics (numpy's default).</summary>
    internal static float[] UnitQuantiles(Tensor values, double q)
    {
        using var scope = NewDisposeScope();
        var sorted = values.sort(1).Values;
        var m = sorted.shape[1];
        var pos = q * (m - 1);
        var lo = (long)Math.Floor(pos);
        var hi = Math.Min(lo + 1, m - 1);
        var frac = (float)(pos - lo);
        var a = sorted.select(1, lo);
        var b = sorted.select(1, hi);
        return (a + (b - a) * frac).to(CPU).data<float>().ToArray();
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

    private static int IndexOf(GanModel model, string layer)
    {
        var i = model.Layers.ToList().IndexOf(layer);   // editable layers only, in block order
        if (i >= 0) return i;
        throw new ArgumentException($"'{layer}' is not a layer of {model.Name}; layers: {string.Join(", ", model.Layers)}");
    }

    public void Dispose()
    {
        foreach (var lazy in _models.Values)
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully) lazy.Value.Result.Generator.Dispose();
    }

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$")] private static partial Regex ModelName();
}
