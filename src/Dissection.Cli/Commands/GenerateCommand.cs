// `dissect generate`: sample a generator from seeded or given latents and write PNGs (and optionally the raw output).
using Dissection.Core.Gan;
using Dissection.Core.Models;
using Dissection.Core.World;
using static TorchSharp.torch;

namespace Dissection.Cli.Commands;

public sealed class GenerateCommand : ICommand
{
    public string Name => "generate";
    public string Summary => "Generate images from a GAN generator (PNG files, optional raw .npy)";
    public string Usage => """
        --model SPEC      proggan:PATH.pth (a ProGAN generator state dict) or just PATH.pth
        --seed S          seed of the latents (standard normal, latent i depends only on S and i)   [default 1]
        --count N         number of images with --seed                                               [default 16]
        --z FILE.npy      latents instead of a seed: float32 array of shape N x Z
        --out DIR         folder for the PNG images (0000.png, 0001.png, ...)
        --raw FILE.npy    also write the raw output tensor, N x 3 x H x W float32 (nominal range [-1,1])
        --batch B         images per forward pass                                                    [default 8]
        --grid FILE.png   also write all images as one grid
        --segmenter SPEC  also segment the samples and report the object concepts found: world-seg:PATH as for
                          'dissect run' (a bare PATH to world-segmenter weights works too)
        """;

    public int Run(Args args, CancellationToken cancel)
    {
        var spec = args.Required("model");
        var zFile = args.String("z");
        var seed = args.Long("seed");
        var count = args.Int("count");
        var outDir = args.Required("out");
        var raw = args.String("raw");
        var grid = args.String("grid");
        var batch = args.Int("batch", 8);
        var segmenterPath = args.String("segmenter");
        args.EnsureAllUsed();
        if (zFile is not null && (seed is not null || count is not null))
            throw new ArgsException("give either --z FILE or --seed/--count, not both");
        if (batch <= 0) throw new ArgsException("--batch must be positive");
        if (count is <= 0) throw new ArgsException("--count must be positive");

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
