// The teaching page's live parts: a demo unit (the best labelled unit of the first finished run whose concept the
// dataset labels), its region and its concept's pixels on its top images at any threshold, counted by the engine
// (Core's ImageOverlap, the dissection's own rule), drawn as pictures, plus what the page links to for "Is it causal?".
using System.Collections.Concurrent;
using Dissection.Core.Datasets;
using Dissection.Dashboard.Ablation;
using Dissection.Core.Dissection;
using Dissection.Core.Rendering;
using Dissection.Core.Storage;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Dissection.Dashboard.Services;

/// <param name="Concept">The unit's label as the dataset numbers it.</param>
/// <param name="MaxActivation">The largest value in the unit's stored top maps: the slider's end.</param>
/// <param name="ConceptCount">How many concepts the dataset labels: all a unit can be named with.</param>
public sealed record LearnExample(RunInfo Run, string Layer, UnitResult Unit, Concept Concept, int ImageCount, float MaxActivation, int ConceptCount);

/// <summary>One top image at a threshold: the engine's counts and the two pictures (region, concept) as data URLs.</summary>
public sealed record LearnImage(int Rank, ImageOverlap Overlap, string RegionPicture, string ConceptPicture);

public sealed class LearnService(StoreAccess store, RepoPaths paths, ThumbnailService thumbnails)
{
    /// <summary>How many top images the live IoU adds up (the unit's strip in the gallery shows as many).</summary>
    public const int Images = 8;
    public const int PictureSize = 160;

    private readonly ConcurrentDictionary<string, ConceptDataset> _datasets = new();

    /// <summary>The demo unit, or null when no finished run has a labelled unit whose concept its dataset labels.</summary>
    public LearnExample? FindExample()
    {
        var run = store.Read(s => s.Runs.ListRuns()).Where(r => r.Status == RunStatus.Done).MinBy(r => r.Id);
        if (run is null) return null;
        var dataset = Dataset(run);
        if (dataset is null) return null;
        var concepts = dataset.Concepts.GroupBy(c => c.Name).ToDictionary(g => g.Key, g => g.First());
        // The best IoU over all layers; only a unit whose label the dataset draws can be shown side by side.
        var best = store.Read(s => s.Layers.GetLayers(run.Id, includeUnits: true))
            .SelectMany(l => l.Units.Select(u => (Layer: l.Layer, Unit: u)))
            .Where(x => x.Unit.Label is { } label && x.Unit.TopImages.Count > 0 && concepts.ContainsKey(label.Name))
            .OrderByDescending(x => x.Unit.Label!.Iou).ThenBy(x => x.Unit.Unit)
            .FirstOrDefault();
        if (best.Unit is null) return null;
        var tops = best.Unit.TopImages.Take(Images).ToList();
        return new LearnExample(run, best.Layer, best.Unit, concepts[best.Unit.Label!.Name], tops.Count, tops.SelectMany(t => t.Map).DefaultIfEmpty(0).Max(), dataset.Concepts.Count);
    }

    /// <summary>The example's top images at <paramref name="threshold"/>, counted by the engine.</summary>
    public IReadOnlyList<LearnImage> Measure(LearnExample example, float threshold)
    {
        var dataset = Dataset(example.Run) ?? throw new InvalidOperationException($"The dataset of run {example.Run.Id} is not available.");
        var byIndex = dataset.Images.ToDictionary(i => i.Index);
        var result = new List<LearnImage>();
        foreach (var (top, rank) in example.Unit.TopImages.Take(Images).Select((t, i) => (t, i)))
        {
            if (!byIndex.TryGetValue(top.ImageIndex, out var image)) continue;
            var overlap = ImageOverlap.Measure(top.Map, top.MapHeight, top.MapWidth, threshold, dataset.LoadLabels(image), example.Concept.Number);
            using var picture = Picture(dataset, image);
            result.Add(new LearnImage(rank, overlap, Draw(picture, overlap.Unit, overlap, new Rgb24(255, 221, 0)),
                Draw(picture, overlap.Concept, overlap, new Rgb24(59, 130, 246))));
        }
        return result;
    }

    /// <summary>The threshold (one of <paramref name="steps"/> slider positions) where the top images' IoU peaks.</summary>
    public (float Threshold, double Iou) BestThreshold(LearnExample example, int steps)
    {
        var dataset = Dataset(example.Run)!;
        var byIndex = dataset.Images.ToDictionary(i => i.Index);
        var inputs = example.Unit.TopImages.Take(Images).Where(t => byIndex.ContainsKey(t.ImageIndex))
            .Select(t => (Top: t, Labels: dataset.LoadLabels(byIndex[t.ImageIndex]))).ToList();
        (float, double) best = (0, -1);
        for (var i = 0; i <= steps; i++)
        {
            var t = SliderValue(example, i, steps);
            var iou = ImageOverlap.Total(inputs.Select(x => ImageOverlap.Measure(x.Top.Map, x.Top.MapHeight, x.Top.MapWidth, t, x.Labels, example.Concept.Number)));
            if (iou > best.Item2) best = (t, iou);
        }
        return best;
    }

    /// <summary>The slider's i-th position of <paramref name="steps"/>: 0 to the largest top activation.</summary>
    public static float SliderValue(LearnExample example, int i, int steps) =>
        (float)Math.Round(example.MaxActivation * i / steps, 4);

    /// <summary>A class page of the run that a stored ablation fills, best for the example unit; null without one.</summary>
    public string? AblationLink(LearnExample example)
    {
        var ablation = store.Read(s => s.Ablations.GetAblation(example.Run.Id, example.Layer));
        if (ablation is null) return null;
        var cls = ablation.Importance.FirstOrDefault(c => c.ImportantUnits.Any(u => u.Unit == example.Unit.Unit)) ?? ablation.Importance.FirstOrDefault();
        return cls is null ? null : AblationLinks.Class(example.Run.Id, cls.Name);
    }

    /// <summary>A finished generator dissection (a `proggan:` run), for the GAN paint link; null without one.</summary>
    public (RunInfo Run, string Layer, string Model)? GanRun()
    {
        var run = store.Read(s => s.Runs.ListRuns()).Where(r => r.Status == RunStatus.Done && r.Model.StartsWith("proggan:", StringComparison.Ordinal)).MinBy(r => r.Id);
        if (run is null || run.Layers.Count == 0) return null;
        return (run, run.Layers[0], Path.GetFileNameWithoutExtension(run.Model["proggan:".Length..]));
    }

    private ConceptDataset? Dataset(RunInfo run)
    {
        var folder = paths.Resolve(run.Dataset);
        if (!Directory.Exists(folder)) return null;
        try { return _datasets.GetOrAdd(folder, ConceptDataset.Open); }
        catch (DatasetFormatException) { return null; }
    }

    private static Image<Rgb24> Picture(ConceptDataset dataset, DatasetImage image)
    {
        try
        {
            using var full = dataset.LoadPicture(image);
            return MaskOverlay.Thumbnail(full, PictureSize);
        }
        catch (BadImageException) { return Placeholder.Create(PictureSize, PictureSize, "missing"); }
    }

    // The picture with the pixels outside the set dimmed and the set tinted, at the picture's size.
    private static string Draw(Image<Rgb24> picture, bool[] set, ImageOverlap grid, Rgb24 tint)
    {
        using var copy = picture.Clone();
        copy.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                var gy = y * grid.Height / rows.Height;
                for (var x = 0; x < row.Length; x++)
                {
                    var p = row[x];
                    row[x] = set[gy * grid.Width + x * grid.Width / row.Length]
                        ? new Rgb24((byte)((p.R + tint.R) / 2), (byte)((p.G + tint.G) / 2), (byte)((p.B + tint.B) / 2))
                        : new Rgb24((byte)(p.R / 3), (byte)(p.G / 3), (byte)(p.B / 3));
                }
            }
        });
        return PngDataUrl.Of(copy);
    }
}
