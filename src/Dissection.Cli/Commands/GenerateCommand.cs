// `dissect generate`: sample a generator from seeded or given latents and write PNGs (and optionally the raw output).
using System.CommandLine;
using Dissection.Core.Gan;
using Dissection.Core.Models;
using Dissection.Core.World;
using static TorchSharp.torch;

namespace Dissection.Cli.Commands;

public sealed class GenerateCommand : Verb
{
    private readonly Option<string> _model = CliOptions.Text("--model", "proggan:PATH.pth (a ProGAN generator state dict) or just PATH.pth", "SPEC", required: true);
    private readonly Option<long?> _seed = CliOptions.Long("--seed", "seed of the latents (standard normal, latent i depends only on S and i) (default 1)", "S");
    private readonly Option<int?> _count = CliOptions.OptionalInt("--count", "number of images with --seed (default 16)", min: 1);
    private readonly Option<string> _z = CliOptions.Text("--z", "latents instead of a seed: float32 array of shape N x Z", "FILE.npy");
    private readonly Option<string> _out = CliOptions.Text("--out", "folder for the PNG images (0000.png, 0001.png, ...)", "DIR", required: true);
    private readonly Option<string> _raw = CliOptions.Text("--raw", "also write the raw output tensor, N x 3 x H x W float32 (nominal range [-1,1])", "FILE.npy");
    private readonly Option<int> _batch = CliOptions.Int("--batch", "images per forward pass", 8, min: 1, helpName: "B");
    private readonly Option<string> _grid = CliOptions.Text("--grid", "also write all images as one grid", "FILE.png");
    private readonly Option<string> _segmenter = CliOptions.Text("--segmenter",
        "also segment the samples and report the object concepts found: world-seg:PATH as for 'dissect run' (a bare PATH to world-segmenter weights works too)", "SPEC");

    public GenerateCommand() : base("generate", "Generate images from a GAN generator (PNG files, optional raw .npy)")
    {
        Add(_model, _seed, _count, _z, _out, _raw, _batch, _grid, _segmenter);
        Validators.Add(r =>
        {
            if (r.GetResult(_z) is not null && (r.GetResult(_seed) is not null || r.GetResult(_count) is not null))
                r.AddError("give either --z FILE or --seed/--count, not both");
        });
    }

    protected override int Run(ParseResult parse, CancellationToken cancel)
    {
        var spec = parse.GetValue(_model)!;
        var zFile = parse.GetValue(_z);
        var seed = parse.GetValue(_seed);
        var count = parse.GetValue(_count);
        var outDir = parse.GetValue(_out)!;
        var raw = parse.GetValue(_raw);
        var grid = parse.GetValue(_grid);
        var batch = parse.GetValue(_batch);
        var segmenterPath = parse.GetValue(_segmenter);

        using var generator = GeneratorSpec.Load(spec);
        generator.eval();
        using var z = zFile is not null ? ZDataset.FromNpy(zFile, generator.ZDim) : ZDataset.FromSeed(generator.ZDim, seed ?? 1, count ?? 16);
        Directory.CreateDirectory(outDir);
        var outputs = new List<Tensor>();
        try
        {
            using var _ = no_grad();
            foreach (var (start, zb) in z.Batches(batch))
            {
                cancel.ThrowIfCancellationRequested();
                using (zb)
                {
                    var images = generator.call(zb);
                    for (var i = 0; i < images.shape[0]; i++)
                    {
                        using var one = images[i];
                        GeneratedImages.SavePng(one, Path.Combine(outDir, $"{start + i:D4}.png"));
                    }
                    outputs.Add(images);
                }
                Console.Error.Write($"\rgenerated {start + outputs[^1].shape[0]}/{z.Count}");
            }
            Console.Error.WriteLine();
            using var all = cat(outputs, 0);
            if (raw is not null) Npy.Write(raw, all);
            if (grid is not null) GeneratedImages.SaveGrid(all, (int)Math.Ceiling(Math.Sqrt(z.Count)), grid);
        }
        finally { foreach (var t in outputs) t.Dispose(); }
        Console.WriteLine($"{z.Count} images ({generator.Resolution}x{generator.Resolution}) written to {outDir}");
        if (segmenterPath is not null) ReportConcepts(generator, segmenterPath, z, batch);
        return 0;
    }

    private static void ReportConcepts(ProgressiveGenerator generator, string segmenterPath, ZDataset z, int batch)
    {
        using var segmenter = SegmenterSpec.Load(segmenterPath);
        var found = SampleSegmentation.Measure(generator, segmenter.Segmenter, z, batch);
        string Name(int label) => label < WorldCatalog.Concepts.Count ? WorldCatalog.Concepts[label].Name : label.ToString();
        for (var i = 0; i < found.ObjectsPerImage.Count; i++)
            Console.WriteLine($"  {i:D4}: {string.Join(", ", found.ObjectsPerImage[i].Select(Name))}");
        var counts = found.Counts;
        Console.WriteLine($"object concepts per sample (>= {found.MinShare:P0} of pixels): median {found.MedianCount}, " +
                          $"mean {counts.Average():F2}, min {counts.Min()}, max {counts.Max()}");
        Console.WriteLine("samples showing each object: " + string.Join(", ",
            found.ImagesPerObject.OrderByDescending(kv => kv.Value).Select(kv => $"{Name(kv.Key)} {kv.Value}")));
    }
}
