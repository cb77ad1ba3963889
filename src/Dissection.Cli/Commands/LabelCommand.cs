// `dissect label`: turns any image folder into a Broden-format concept dataset by running a segmenter over it
// (the PNAS pipeline), so a network can be dissected on your own images. The Label job kind, run through the job
// executor in this process (recorded in --db, so the dashboard follows it); resumable, re-runs reuse cached labels.
using System.CommandLine;
using Dissection.Core.Jobs;
using Dissection.Core.Jobs.Kinds;
using Dissection.Core.Labelling;
using TorchSharp;

namespace Dissection.Cli.Commands;

public sealed class LabelCommand : Verb
{
    private readonly Option<string> _images = CliOptions.Text("--images", "folder of .jpg/.jpeg/.png/.webp images, subfolders included", "DIR", required: true);
    private readonly Option<string> _segmenter = CliOptions.Text("--segmenter", "KIND:PATH, e.g. world-seg:data/models/world-seg.pt", "SPEC", required: true);
    private readonly Option<string> _out = CliOptions.Text("--out", "dataset folder to write; re-running reuses its label cache", "DIR", required: true);
    private readonly Option<int?> _size = CliOptions.OptionalInt("--size", "square size images are segmented at and labels stored at (default: the segmenter's, 64)", helpName: "S");
    private readonly Option<int> _batch = CliOptions.Int("--batch", "images per batch", 16, helpName: "B");
    private readonly Option<string> _split = CliOptions.TextOr("--split", "split column of every image", "val", "NAME");
    private readonly Option<string> _onBadImage = CliOptions.Choice("--on-bad-image", "leave out unreadable images (skip), or stop (fail)", "fail", "skip", "fail");
    private readonly Option<string> _db = CliOptions.Db("results database the job is recorded in");
    private readonly Option<string> _cache = CliOptions.Cache();

    public LabelCommand() : base("label", "label an image folder with a segmenter, writing a Broden-format concept dataset") =>
        Add(_images, _segmenter, _out, _size, _batch, _split, _onBadImage, _db, _cache);

    protected override int Run(ParseResult parse, CancellationToken cancel)
    {
        var parameters = new LabelParameters(parse.GetValue(_images)!, parse.GetValue(_segmenter)!, parse.GetValue(_out)!, parse.GetValue(_size),
            parse.GetValue(_batch), parse.GetValue(_split)!, parse.GetValue(_onBadImage)!.Equals("skip", StringComparison.OrdinalIgnoreCase));

        torch.set_num_threads(Math.Max(1, Environment.ProcessorCount));
        LabellingSummary? summary = null;
        var job = CliJobs.Run(parse.GetValue(_db)!, parse.GetValue(_cache)!,
            new JobRequest(JobKind.Label, LabelJob.Title(parameters), parameters, CliJobs.RequestedBy, ResumeOnStart: false),
            cancel, r => summary = r as LabellingSummary ?? summary);
        if (summary is null) throw new InvalidOperationException($"job {job.Id} ended without a labelling summary");
        foreach (var b in summary.BadImages) Console.Error.WriteLine($"skipped {b}");
        if (summary.OtherFiles > 0) Console.Error.WriteLine($"ignored {summary.OtherFiles} files that are not images");
        Console.WriteLine($"labelled {summary.Images} images at {summary.SegSize}x{summary.SegSize} ({summary.Labelled} segmented, " +
                          $"{summary.Reused} from the cache, {summary.BadImages.Count} skipped) in {summary.Elapsed.TotalSeconds:F1} s -> {summary.Output}");
        return 0;
    }
}
