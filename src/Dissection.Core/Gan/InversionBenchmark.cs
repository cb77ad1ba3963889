// Measures photo inversion on held-out images, step by step (encoder only; + refinement; + adaptation): PSNR, how
// often the segmenter's object labels agree between photo and reconstruction, the time per image (p95), and editing:
// erasing a concept's units (trees) in the layer cells where the segmenter sees it, the share of that region's
// concept pixels gone after compositing, and how much pixels outside the stroke's region change.
using System.Diagnostics;
using Dissection.Core.Datasets;
using Dissection.Core.Models;
using Dissection.Core.Statistics;
using Dissection.Core.Work;
using static TorchSharp.torch;

namespace Dissection.Core.Gan;

/// <param name="Name">"encoder", "refined" or "adapted".</param>
/// <param name="ErasedShare">Per image with the concept: the share of the region's concept pixels gone.</param>
/// <param name="OutsideChange">Per edited image: mean |composite − photo| over pixels outside the stroke region, in 8-bit levels.</param>
public sealed record InversionStepResult(string Name, InversionSettings Settings, IReadOnlyList<double> Psnr, IReadOnlyList<double> LabelAgreement,
    IReadOnlyList<double> Seconds, IReadOnlyList<double> ErasedShare, IReadOnlyList<double> OutsideChange, IReadOnlyList<double> OutsideIdentical)
{
    public double MeanPsnr => Psnr.Average();
    public double MeanAgreement => LabelAgreement.Average();
    public double P95Seconds => Percentiles.NearestRank(Seconds, 0.95);
    /// <summary>Share of images with the concept where at least half its region's pixels were erased.</summary>
    public double EraseSuccess => ErasedShare.Count == 0 ? double.NaN : ErasedShare.Count(s => s >= 0.5) / (double)ErasedShare.Count;
}

/// <summary>One example for the report: what a step made of one image.</summary>
public sealed record InversionExample(string Image, string Step, double Psnr, double Agreement, int ConceptPixelsBefore, int ConceptPixelsAfter,
    int RegionCells, byte[] Photo, byte[] Reconstruction, byte[] Edited);

public static class InversionBenchmark
{
    /// <param name="images">Held-out image files.</param>
    /// <param name="steps">The configurations measured, by name ("encoder": Steps 0).</param>
    /// <param name="eraseUnits">The concept's units at the encoder's layer (best first), erased in its region.</param>
    /// <param name="minConceptShare">An image takes part in the erasing test when the concept covers at least this share.</param>
    public static (IReadOnlyList<InversionStepResult> Steps, IReadOnlyList<InversionExample> Examples) Run(
        ProgressiveGenerator generator, LatentEncoder encoder, PhotoFeatureLoss? featureLoss, LoadedSegmenter segmenter, Concept concept,
        IReadOnlyList<int> eraseUnits, IReadOnlyList<string> images, IReadOnlyList<(string Name, InversionSettings Settings)> steps,
        double minConceptShare = 0.03, int examples = 4, IProgress<DissectionProgress>? progress = null, CancellationToken cancel = default)
    {
        var plane = segmenter.PlaneOf(concept.Category);
        if (plane < 0) throw new ArgumentException($"the segmenter has no '{concept.Category}' plane for '{concept.Name}'");
        var cut = Instrumentation.InstrumentedModel.Of(generator).Cut(encoder.Shape.Layer);
        var size = generator.Resolution;
        var side = encoder.Shape.Side;
        var results = steps.Select(_ => (Psnr: new List<double>(), Agree: new List<double>(), Secs: new List<double>(), Erased: new List<double>(),
            Outside: new List<double>(), Identical: new List<double>())).ToArray();
        var shown = new List<InversionExample>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < images.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var photo = PhotoPixels.Load(images[i], size);
            var photoLabels = Labels(segmenter, photo.Rgb, size, plane);
            var conceptPixels = photoLabels.Count(l => l == concept.Number);
            // The stroke: every layer cell holding one of the photo's concept pixels.
            bool[]? cells = null;
            if (conceptPixels >= minConceptShare * size * size)
            {
                cells = new bool[side * side];
                for (var p = 0; p < photoLabels.Length; p++)
                    if (photoLabels[p] == concept.Number) cells[p / size * side / size * side + p % size * side / size] = true;
            }
            for (var s = 0; s < steps.Count; s++)
            {
                var watch = Stopwatch.StartNew();
                using var inverted = PhotoInversion.Invert(generator, cut, encoder, featureLoss, photo, steps[s].Settings, cancel: cancel);
                results[s].Secs.Add(watch.Elapsed.TotalSeconds);
                results[s].Psnr.Add(inverted.Psnr);
                var reconLabels = Labels(segmenter, inverted.Reconstruction, size, plane);
                var agree = photoLabels.Zip(reconLabels).Count(t => t.First == t.Second) / (double)photoLabels.Length;
                results[s].Agree.Add(agree);
                if (cells is null) continue;
                var stroke = new PaintStroke(concept.Name, eraseUnits, PaintMode.Erase, [], side, cells);
                var composite = inverted.Edit([stroke]);
                var region = PhotoComposite.PaintedPixels([stroke], size);
                var afterLabels = Labels(segmenter, composite.Rgb, size, plane);
                int before = 0, after = 0, outside = 0, identical = 0;
                double outsideSum = 0;
                for (var p = 0; p < photoLabels.Length; p++)
                {
                    if (region[p])
                    {
                        if (photoLabels[p] == concept.Number) before++;
                        if (afterLabels[p] == concept.Number) after++;
                        continue;
                    }
                    outside++;
                    var diff = 0;
                    for (var c = 0; c < 3; c++) diff += Math.Abs(composite.Rgb[p * 3 + c] - photo.Rgb[p * 3 + c]);
                    outsideSum += diff / 3.0;
                    if (diff == 0) identical++;
                }
                results[s].Erased.Add(before == 0 ? 0 : Math.Max(0, before - after) / (double)before);
                if (outside > 0)
                {
                    results[s].Outside.Add(outsideSum / outside);
                    results[s].Identical.Add(identical / (double)outside);
                }
                if (shown.Count < examples * steps.Count && shown.Count(e => e.Step == steps[s].Name) < examples)
                    shown.Add(new InversionExample(Path.GetFileName(images[i]), steps[s].Name, inverted.Psnr, agree, before, after, cells.Count(c => c),
                        photo.Rgb, inverted.Reconstruction, composite.Rgb));
            }
            progress?.Report(new DissectionProgress("inverting", i + 1, images.Count, (i + 1) / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
        }
        return (steps.Select((st, s) => new InversionStepResult(st.Name, st.Settings, results[s].Psnr, results[s].Agree, results[s].Secs,
            results[s].Erased, results[s].Outside, results[s].Identical)).ToList(), shown);
    }

    /// <summary>The segmenter's labels on one plane of an S×S×3 picture, row-major.</summary>
    private static int[] Labels(LoadedSegmenter segmenter, byte[] rgb, int size, int plane)
    {
        using var scope = NewDisposeScope();
        var x = tensor(rgb, [size, size, 3]).permute(2, 0, 1).to_type(ScalarType.Float32).div(255f).unsqueeze(0).contiguous();
        var planes = segmenter.Segmenter.SegmentPlanes(x);
        return planes[0, plane].to_type(ScalarType.Int32).contiguous().data<int>().ToArray();
    }
}
