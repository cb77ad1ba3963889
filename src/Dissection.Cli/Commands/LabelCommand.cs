// `dissect label`: turns any image folder into a Broden-format concept dataset by running a segmenter over it
// (the PNAS pipeline), so a network can be dissected on your own images. The Label job kind, run through the job
// executor in this process (recorded in --db, so the dashboard follows it); resumable, re-runs reuse cached labels.
using Dissection.Core.Jobs;
using Dissection.Core.Jobs.Kinds;
using Dissection.Core.Labelling;
using Dissection.Core.Storage;
using TorchSharp;

namespace Dissection.Cli.Commands;

public sealed class LabelCommand : ICommand
{
    public string Name => "label";
    public string Summary => "label an image folder with a segmenter, writing a Broden-format concept dataset";
    public string Usage => $"""
          --images DIR            folder of .jpg/.jpeg/.png/.webp images, subfolders included (required)
          --segmenter SPEC        KIND:PATH, e.g. world-seg:data/models/world-seg.pt (required)
          --out DIR               dataset folder to write (required); re-running reuses its label cache
          --size S                square size images are segmented at and labels stored at (default: the segmenter's, 64)
          --batch B               images per batch (default 16)
          --split NAME            split column of every image (default val)
          --on-bad-image skip|fail  leave out unreadable images, or stop (default fail)
          --db PATH               results database the job is recorded in (default {ResultsStore.DefaultPath})
          --cache DIR             scratch folder (default data/cache)
        """;

    public int Run(Args args, CancellationToken cancel)
    {
        var images = args.Required("images");
        var parameters = new LabelParameters(images, args.Required("segmenter"), args.Required("out"), args.Int("size"),
            args.Int("batch", 16), args.String("split", "val"), args.String("on-bad-image", "fail") switch
            {
                "skip" => true,
                "fail" => false,
                var other => throw new ArgsException($"--on-bad-image must be skip or fail, got '{other}'"),
            });
        var db = args.String("db", ResultsStore.DefaultPath);
        var cache = args.String("cache", CliJobs.DefaultCache);
        args.EnsureAllUsed();

        torch.set_num_threads(Math.Max(1, Environment.ProcessorCount));
        LabellingSummary? summary = null;
        var job = CliJobs.Run(db, cache, new JobRequest(JobKind.Label, LabelJob.Title(parameters), parameters, CliJobs.RequestedBy, ResumeOnStart: false),
            cancel, r => summary = r as LabellingSummary ?? summary);
        if (summary is null) throw new InvalidOperationException($"job {job.Id} ended without a labelling summary");
        foreach (var b in summary.BadImages) Console.Error.WriteLine($"skipped {b}");
        if (summary.OtherFiles > 0) Console.Error.WriteLine($"ignored {summary.OtherFiles} files that are not images");
        Console.WriteLine($"labelled {summary.Images} images at {summary.SegSize}x{summary.SegSize} ({summary.Labelled} segmented, " +
                          $"{summary.Reused} from the cache, {summary.BadImages.Count} skipped) in {summary.Elapsed.TotalSeconds:F1} s -> {summary.Output}");
        return 0;
    }
}
