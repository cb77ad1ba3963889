// `dissect label`: turns any image folder into a Broden-format concept dataset by running a segmenter over it
// (the PNAS pipeline), so a network can be dissected on your own images. Resumable; re-runs reuse cached labels.
using Dissection.Core.Datasets;
using TorchSharp;
using Dissection.Core.Labelling;

namespace Dissection.Cli.Commands;

public sealed class LabelCommand : ICommand
{
    public string Name => "label";
    public string Summary => "label an image folder with a segmenter, writing a Broden-format concept dataset";
    public string Usage => """
          --images DIR            folder of .jpg/.jpeg/.png/.webp images, subfolders included (required)
          --segmenter SPEC        KIND:PATH, e.g. world-seg:data/models/world-seg.pt (required)
          --out DIR               dataset folder to write (required); re-running reuses its label cache
          --size S                square size images are segmented at and labels stored at (default: the segmenter's, 64)
          --batch B               images per batch (default 16)
          --split NAME            split column of every image (default val)
          --on-bad-image skip|fail  leave out unreadable images, or stop (default fail)
        """;

    public int Run(Args args, CancellationToken cancel)
    {
        var images = args.Required("images");
        var spec = args.Required("segmenter");
        var output = args.Required("out");
        var size = args.Int("size");
        var batch = args.Int("batch", 16);
        var split = args.String("split", "val");
        var skip = args.String("on-bad-image", "fail") switch
        {
            "skip" => true,
            "fail" => false,
            var other => throw new ArgsException($"--on-bad-image must be skip or fail, got '{other}'"),
        };
        args.EnsureAllUsed();
        // Check the cheap things before loading weights.
        if (!Directory.Exists(images)) throw new DirectoryNotFoundException($"image folder '{Path.GetFullPath(images)}' does not exist");

        torch.set_num_threads(Math.Max(1, Environment.ProcessorCount));
        using var segmenter = SegmenterSource.Load(spec);
        var summary = DatasetLabeller.Label(segmenter, new LabellingOptions(images, output, size, batch, split, skip), new ConsoleProgress(), cancel);
        foreach (var b in summary.BadImages) Console.Error.WriteLine($"skipped {b}");
        if (summary.OtherFiles > 0) Console.Error.WriteLine($"ignored {summary.OtherFiles} files that are not images");
        Console.WriteLine($"labelled {summary.Images} images at {summary.SegSize}x{summary.SegSize} ({summary.Labelled} segmented, " +
                          $"{summary.Reused} from the cache, {summary.BadImages.Count} skipped) in {summary.Elapsed.TotalSeconds:F1} s -> {summary.Output}");
        return 0;
    }
}
