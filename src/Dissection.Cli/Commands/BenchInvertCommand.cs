// `dissect bench-invert`: photo inversion measured on held-out images of a world, step by step (encoder only,
// + refinement, + adaptation): PSNR, the segmenter's label agreement, seconds per image (p95), and erasing a
// concept's units (from a generator dissection run) where the segmenter sees it: erased share and outside change.
using System.CommandLine;
using System.Globalization;
using Dissection.Core.Datasets;
using Dissection.Core.Gan;
using Dissection.Core.Models;
using Dissection.Core.Storage;

namespace Dissection.Cli.Commands;

public sealed class BenchInvertCommand : Verb
{
    private readonly PhotoOptions _photo = new();
    private readonly Option<string> _dataset = CliOptions.Text("--dataset", "Broden-format world whose held-out split is measured", "DIR", required: true);
    private readonly Option<string> _split = CliOptions.TextOr("--split", "the held-out split", "val", "NAME");
    private readonly Option<int> _count = CliOptions.Int("--count", "images measured (the first N of the split)", 100, min: 1);
    private readonly Option<string> _segmenter = CliOptions.TextOr("--segmenter", "labels photo, reconstruction and edit", "world-seg:data/models/world-seg.pt", "SPEC");
    private readonly Option<string> _db = CliOptions.Db("results database holding the generator dissection run (--run)");
    private readonly Option<long?> _run = CliOptions.Run("generator dissection run of the encoder's layer: the concept's units come from it");
    private readonly Option<string> _concept = CliOptions.TextOr("--concept", "the concept erased", "tree", "NAME");
    private readonly Option<int> _units = CliOptions.Int("--units", "how many of the concept's best units a stroke erases", 20, min: 1);
    private readonly Option<int> _benchAdapt = CliOptions.Int("--bench-adapt-steps", "adaptation steps of the third measured step (0: skip it)", 50, min: 0);
    private readonly Option<string> _examples = CliOptions.Text("--examples", "write a few examples (photo | reconstruction | edit) as PNG strips here", "DIR");

    public BenchInvertCommand() : base("bench-invert", "Measure photo inversion on held-out images: PSNR, label agreement, time p95, erasing a concept")
    {
        Add(_photo.All);
        Add(_dataset, _split, _count, _segmenter, _db, _run, _concept, _units, _benchAdapt, _examples);
    }

    protected override int Run(ParseResult parse, CancellationToken cancel)
    {
        var dataset = ConceptDataset.Open(parse.GetValue(_dataset)!);
        var split = parse.GetValue(_split)!;
        var images = dataset.Images.Where(i => i.Split == split).Take(parse.GetValue(_count)).Select(dataset.ImagePath).ToList();
        if (images.Count == 0) throw new UsageException($"--split: the dataset has no '{split}' images");
        using var inverter = _photo.Load(parse);
        using var segmenter = SegmenterSpec.Load(parse.GetValue(_segmenter)!);
        var concept = segmenter.Find(parse.GetValue(_concept)!);
        IReadOnlyList<int> units;
        using (var store = ResultsStore.Open(parse.GetValue(_db)!))
            units = store.Gan.GetConceptUnits(parse.GetValue(_run)!.Value, inverter.Encoder.Shape.Layer, concept.Name, parse.GetValue(_units))
                .Select(u => u.Unit).ToList();
        if (units.Count == 0) throw new UsageException($"run {parse.GetValue(_run)} has no unit of {inverter.Encoder.Shape.Layer} for '{concept.Name}'");
        var refined = _photo.Settings(parse) with { AdaptSteps = 0 };
        var steps = new List<(string, InversionSettings)> { ("encoder", refined with { Steps = 0 }), ("refined", refined) };
        if (parse.GetValue(_benchAdapt) > 0) steps.Add(("adapted", refined with { AdaptSteps = parse.GetValue(_benchAdapt) }));
        Console.Error.WriteLine($"{images.Count} {split} images; erasing {units.Count} '{concept.Name}' units of {inverter.Encoder.Shape.Layer}: {string.Join(",", units)}");
        var progress = new Progress<Dissection.Core.Work.DissectionProgress>(p => Console.Error.Write($"\r{p.Phase} {p.Done}/{p.Total}"));
        var (results, examples) = InversionBenchmark.Run(inverter.Generator, inverter.Encoder, inverter.FeatureLoss, segmenter, concept, units, images,
            steps, progress: progress, cancel: cancel);
        Console.Error.WriteLine();
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine("step      PSNR dB  labels agree  p95 s  median s  erase ok  erased share  outside Δ/255  outside identical  (images with the concept)");
        foreach (var r in results)
            Console.WriteLine(string.Format(c, "{0,-8} {1,8:F2} {2,12:P1} {3,6:F2} {4,9:F2} {5,9:P0} {6,13:P0} {7,14:F3} {8,18:P1}  ({9})",
                r.Name, r.MeanPsnr, r.MeanAgreement, r.P95Seconds, Dissection.Core.Statistics.Percentiles.Median(r.Seconds), r.EraseSuccess,
                r.ErasedShare.DefaultIfEmpty(double.NaN).Average(), r.OutsideChange.DefaultIfEmpty(double.NaN).Average(),
                r.OutsideIdentical.DefaultIfEmpty(double.NaN).Average(), r.ErasedShare.Count));
        if (parse.GetValue(_examples) is { } dir)
        {
            Directory.CreateDirectory(dir);
            foreach (var e in examples)
            {
                var size = inverter.Generator.Resolution;
                var strip = new byte[size * size * 3 * 3];
                for (var y = 0; y < size; y++)
                    for (var k = 0; k < 3; k++)
                        Array.Copy(k switch { 0 => e.Photo, 1 => e.Reconstruction, _ => e.Edited }, y * size * 3, strip, (y * 3 * size + k * size) * 3, size * 3);
                using var image = SixLabors.ImageSharp.Image.LoadPixelData<SixLabors.ImageSharp.PixelFormats.Rgb24>(strip, size * 3, size);
                var name = $"{Path.GetFileNameWithoutExtension(e.Image)}-{e.Step}.png";
                SixLabors.ImageSharp.ImageExtensions.SaveAsPng(image, Path.Combine(dir, name));
                Console.WriteLine(string.Format(c, "example {0}: PSNR {1:F2}, labels agree {2:P0}, {3} cells erased, {4} -> {5} {6} pixels in the region",
                    name, e.Psnr, e.Agreement, e.RegionCells, e.ConceptPixelsBefore, e.ConceptPixelsAfter, concept.Name));
            }
        }
        return 0;
    }
}
