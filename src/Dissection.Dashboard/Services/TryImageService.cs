// "Your own image" (/try): one image (a built-in sample photo, a dataset image, a saved or a session upload) through a
// run's model, measured against the run's stored thresholds and labels at one layer: the most active units with their
// masks, the predicted classes, and the per-pixel concept map ("what the network sees"). Uploads stay in the circuit
// unless saved under <first data folder>/uploads/, named by their content hash, which then serves as their permalink.
// Each view says whether the image lies outside the domain of the run's concept dataset (Core's ImageDomain, measured
// once per run and layer on a few dataset images, after the first view is shown), since its labels come from that
// dataset's vocabulary.
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Models;
using Dissection.Core.Probing;
using Dissection.Core.Rendering;
using Dissection.Core.Storage;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Dissection.Dashboard.Services;

/// <summary>Where the image comes from; exactly one of the four is set. Only the first three can be linked to.</summary>
public sealed record TryImageSource(string? Sample = null, int? DatasetIndex = null, string? Saved = null, UploadedImage? Upload = null)
{
    public string Label => Sample is not null ? $"sample photo {Sample}"
        : DatasetIndex is { } i ? $"dataset image #{i}"
        : Saved is not null ? $"saved upload {Saved}"
        : Upload is { } u ? $"upload {u.Name}" : "no image";
}

/// <summary>A unit that fires on the image: its mask on it (a data: URL), its label and how strongly it fires.</summary>
public sealed record TryUnit(int Unit, float Peak, float Threshold, float Ratio, string? Concept, string? Category, double Iou,
    bool IsDetector, string MaskPng);

/// <summary>A concept of the map's legend, with its overlay colour and its share of the image.</summary>
public sealed record TryLegendEntry(string Concept, string Category, string Colour, double Fraction, IReadOnlyList<int> Units);

public sealed record TryClass(string Name, float Probability);

/// <param name="ImagePng">The image and the map overlay as data: URLs, MapWidth x MapHeight (the image's aspect ratio).</param>
/// <param name="Classes">The top-5 classes; empty when the model is not a classifier.</param>
/// <param name="Detectors">Labelled units of the layer that took part in the map.</param>
public sealed record TryView(string Label, string ImagePng, string MapPng, int MapWidth, int MapHeight, IReadOnlyList<TryUnit> Units,
    IReadOnlyList<TryClass> Classes, IReadOnlyList<TryLegendEntry> Legend, double LabelledFraction, int Detectors, int LayerUnits)
{
    /// <summary>How the image compares with the run's dataset; null when that could not be measured (dataset missing)
    /// or has not been yet (DomainPending).</summary>
    public DomainVerdict? Domain { get; init; }

    /// <summary>The run's domain at this layer is not measured yet: CheckDomainAsync measures it (dozens of model
    /// runs, once per run and layer) after the view is on screen, so the first view does not wait for it.</summary>
    public bool DomainPending { get; init; }
}

public sealed partial class TryImageService(StoreAccess store, RepoPaths paths, ILogger<TryImageService> log, Dissection.Core.Work.InteractivePriority priority) : IDisposable
{
    public const int TopUnits = 12, TopClasses = 5, MaskSize = 128, MapSide = 320;
    public const string SamplesFolder = "data/samples";
    private readonly WarmModel _model = new(store, paths, log, "Try-your-image", priority);
    /// <summary>The dataset's domain per run (id, creation time) and layer; null where it could not be measured.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(long, DateTime, string), ImageDomain?> _domains = new();

    /// <summary>Finished runs, newest first.</summary>
    public async Task<IReadOnlyList<RunInfo>> RunsAsync() =>
        (await store.ReadAsync(s => s.Runs.ListRuns())).Where(r => r.Status == RunStatus.Done).OrderByDescending(r => r.Id).ToList();

    /// <summary>The demo run when it is finished, else the newest finished run.</summary>
    public static RunInfo? DefaultRun(IReadOnlyList<RunInfo> runs) =>
        runs.FirstOrDefault(r => r.Name == WorldDemoBootstrap.RunName) ?? runs.FirstOrDefault();

    /// <summary>The run's layers that have saved results, in the run's order (the last is the default).</summary>
    public async Task<IReadOnlyList<string>> LayersAsync(RunInfo run)
    {
        var saved = (await store.ReadAsync(s => s.Layers.GetLayerSummaries(run.Id))).Select(l => l.Layer).ToHashSet(StringComparer.Ordinal);
        return run.Layers.Where(saved.Contains).Concat(saved.Where(l => !run.Layers.Contains(l)).Order(StringComparer.Ordinal)).ToList();
    }

    /// <summary>The built-in sample photos (file names in data/samples).</summary>
    public IReadOnlyList<string> Samples()
    {
        var folder = paths.Resolve(SamplesFolder);
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.jpg").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList()
            : [];
    }

    /// <summary>Stores an upload under data/uploads/ (idempotent: the name is its content hash) and returns its id.</summary>
    public async Task<string> SaveAsync(UploadedImage upload)
    {
        ImageUpload.Check(upload.Bytes, upload.Name);
        var id = Convert.ToHexStringLower(SHA256.HashData(upload.Bytes))[..16];
        var folder = UploadsFolder;
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, id + ImageUpload.Extension(upload.Format));
        if (!File.Exists(file))
        {
            var tmp = file + "." + Guid.NewGuid().ToString("N") + ".tmp";
            await File.WriteAllBytesAsync(tmp, upload.Bytes);
            File.Move(tmp, file, overwrite: true);
            log.LogInformation("Saved upload {Name} as {File}", upload.Name, file);
        }
        return id;
    }

    /// <summary>Where saved uploads live: an allowed data folder, so the dashboard's path rules cover them.</summary>
    public string UploadsFolder => Path.Combine(paths.WritableDataFolder, "uploads");

    /// <summary>Runs the image through the run's model at the layer and builds the whole view.</summary>
    /// <exception cref="BadImageException">the image cannot be used (the reason says why).</exception>
    /// <exception cref="ArgumentException">unknown sample, saved upload, dataset index or layer.</exception>
    public async Task<TryView> AnalyseAsync(RunInfo run, string layer, TryImageSource source, CancellationToken cancel)
    {
        var units = await store.ReadAsync(s => s.Layers.GetUnitSummaries(run.Id, layer));
        if (units.Count == 0) throw new ArgumentException($"run #{run.Id} has no saved results for layer '{layer}'");
        var thresholds = units.ToDictionary(u => u.Unit, u => u.Threshold);
        var byUnit = units.ToDictionary(u => u.Unit);
        var iouCut = run.Settings.IouThreshold;
        var detectors = units.Where(u => u.IsDetector(iouCut) && u.Label is not null)
            .Select(u => new LabelledUnit(u.Unit, u.Threshold, u.Label!.Name, u.Label.Category)).ToList();

        return await _model.With(run, (model, dataset) =>
        {
            cancel.ThrowIfCancellationRequested();
            using var image = LoadImage(source, dataset);
            var acts = SingleImageProbe.Run(model, image, layer);
            var measured = _domains.TryGetValue((run.Id, run.CreatedUtc, layer), out var domain);
            if (units.Any(u => u.Unit >= acts.Units))
                throw new ArgumentException($"layer '{layer}' has {acts.Units} units in the model but the run stored unit " +
                                            $"{units.Max(u => u.Unit)}: the run was made with another model");

            var active = acts.MostActive(thresholds, TopUnits).Select(a =>
            {
                var u = byUnit[a.Unit];
                using var mask = MaskOverlay.Render(image, acts.Map(a.Unit), acts.Height, acts.Width, a.Threshold, MaskSize);
                return new TryUnit(a.Unit, a.Peak, a.Threshold, a.Ratio, u.Label?.Name, u.Label?.Category, u.Label?.Iou ?? 0,
                    u.IsDetector(iouCut), PngDataUrl.Of(mask));
            }).ToList();

            var (mapWidth, mapHeight) = MapSize(image.Width, image.Height);
            var map = ConceptMap.Compute(acts, detectors, mapHeight, mapWidth);
            using var overlay = ConceptMapOverlay.Render(image, map);
            using var shown = image.Clone(x => x.Resize(new ResizeOptions
            {
                Size = new Size(mapWidth, mapHeight), Sampler = KnownResamplers.Triangle, Mode = ResizeMode.Stretch,
            }));
            var total = (double)map.Pixels.Length;
            var legend = map.Concepts.Select((c, i) => new TryLegendEntry(c.Concept, c.Category, ConceptPalette.HexOf(i), c.Pixels / total, c.Units)).ToList();

            var names = model.ClassNames ?? Enumerable.Range(0, model.NumClasses ?? 0).Select(i => $"class {i}").ToList();
            var classes = acts.TopClasses(TopClasses).Select(c => new TryClass(c.Class < names.Count ? names[c.Class] : $"class {c.Class}", c.Probability)).ToList();
            return new TryView(source.Label, PngDataUrl.Of(shown), PngDataUrl.Of(overlay), mapWidth, mapHeight, active, classes, legend,
                map.LabelledFraction, detectors.Count, acts.Units) { Domain = domain?.Check(acts), DomainPending = !measured };
        }, cancel);
    }

    /// <summary>The view's domain verdict, measuring the run's domain at the layer first if no view has yet (the
    /// image runs through the model once more: the view keeps no activations).</summary>
    public Task<DomainVerdict?> CheckDomainAsync(RunInfo run, string layer, TryImageSource source, CancellationToken cancel) =>
        _model.With(run, (model, dataset) =>
        {
            var domain = _domains.GetOrAdd((run.Id, run.CreatedUtc, layer), _ => DomainOf(model, dataset, layer, cancel));
            if (domain is null) return null;
            cancel.ThrowIfCancellationRequested();
            using var image = LoadImage(source, dataset);
            return domain.Check(SingleImageProbe.Run(model, image, layer));
        }, cancel);

    /// <summary>The layer's domain on ImageDomain.References images spread evenly over the run's dataset; null when the
    /// dataset cannot be read (the view then shows no warning rather than a wrong one).</summary>
    private ImageDomain? DomainOf(LoadedModel model, Lazy<ConceptDataset> dataset, string layer, CancellationToken cancel)
    {
        try
        {
            var images = dataset.Value.Images;
            var n = Math.Min(ImageDomain.References, images.Count);
            var references = new List<ImageActivations>(n);
            for (var i = 0; i < n; i++)
            {
                cancel.ThrowIfCancellationRequested();
                try
                {
                    using var picture = dataset.Value.LoadPicture(images[(int)((long)i * images.Count / n)]);
                    references.Add(SingleImageProbe.Run(model, picture, layer));
                }
                catch (BadImageException) { }   // one reference fewer
            }
            return ImageDomain.Of(references);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            log.LogWarning("No domain check for {Layer}: the dataset cannot be read ({Reason})", layer, e.Message);
            return null;
        }
    }

    /// <summary>The map keeps the image's aspect ratio with its longer side MapSide (a very thin image keeps 8 px).</summary>
    internal static (int Width, int Height) MapSize(int width, int height)
    {
        var scale = (double)MapSide / Math.Max(width, height);
        return (Math.Max(8, (int)Math.Round(width * scale)), Math.Max(8, (int)Math.Round(height * scale)));
    }

    private Image<Rgb24> LoadImage(TryImageSource source, Lazy<ConceptDataset> dataset)
    {
        if (source.Upload is { } upload) return ImageUpload.Decode(upload.Bytes, upload.Name);
        if (source.Sample is { } sample)
        {
            if (!Samples().Contains(sample, StringComparer.Ordinal))
                throw new ArgumentException($"there is no sample photo '{sample}'; samples: {string.Join(", ", Samples())}");
            var file = Path.Combine(paths.Resolve(SamplesFolder), sample);
            return ImageUpload.Decode(File.ReadAllBytes(file), sample);
        }
        if (source.Saved is { } saved)
        {
            var file = SavedFile(saved) ?? throw new ArgumentException($"there is no saved upload '{saved}' in {UploadsFolder}");
            return ImageUpload.Decode(File.ReadAllBytes(file), saved);
        }
        if (source.DatasetIndex is { } index)
        {
            var images = dataset.Value.Images;
            if (index < 0 || index >= images.Count)
                throw new ArgumentException($"the run's dataset has no image #{index} (it has {images.Count}, #0 to #{images.Count - 1})");
            return dataset.Value.LoadPicture(images[index]);
        }
        throw new ArgumentException("no image was chosen");
    }

    /// <summary>The saved upload's file, or null. Ids are 16 hex digits, so no path can be smuggled in.</summary>
    internal string? SavedFile(string id)
    {
        if (!SavedId().IsMatch(id) || !Directory.Exists(UploadsFolder)) return null;
        return ImageUpload.Formats.Select(f => Path.Combine(UploadsFolder, id + ImageUpload.Extension(f)))
            .FirstOrDefault(f => File.Exists(f) && PathContainment.IsInside(f, Path.GetDirectoryName(UploadsFolder)!));
    }

    [GeneratedRegex("^[0-9a-f]{16}$")]
    private static partial Regex SavedId();

    public void Dispose() => _model.Dispose();
}
