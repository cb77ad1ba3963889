// Job kind Label: turns an image folder into a Broden-format concept dataset by running a segmenter over it (the
// PNAS pipeline), so a network can be dissected on the user's own images. Resumable for free: the labeller keeps a
// label cache in the output folder, so a resumed job segments only the images it had not reached.
using Dissection.Core.Datasets;
using Dissection.Core.Models;
using Dissection.Core.Labelling;
using Dissection.Core.Storage;
using Dissection.Core.Work;

namespace Dissection.Core.Jobs.Kinds;

/// <param name="Images">A folder of .jpg/.jpeg/.png/.webp images, subfolders included.</param>
/// <param name="Segmenter">KIND:PATH, e.g. world-seg:data/models/world-seg.pt (a relative path is relative to the root).</param>
/// <param name="Output">The dataset folder to write.</param>
/// <param name="Size">Square size labels are made at; null = the segmenter's own.</param>
/// <param name="SkipBadImages">Leave out unreadable images instead of failing (--on-bad-image skip).</param>
public sealed record LabelParameters(string Images, string Segmenter, string Output, int? Size = null, int Batch = 16,
    string Split = "val", bool SkipBadImages = false);

public sealed class LabelJob : JobHandler<LabelParameters>
{
    public override JobKind Kind => JobKind.Label;

    public static string Title(LabelParameters p) =>
        $"Label {Path.GetFileName(Path.TrimEndingDirectorySeparator(p.Images))} into {Path.GetFileName(Path.TrimEndingDirectorySeparator(p.Output))}";

    protected override void Validate(LabelParameters p, string root)
    {
        if (string.IsNullOrWhiteSpace(p.Images)) throw new JobParameterException("images", "Choose an image folder.");
        if (!Directory.Exists(StoredRunModel.ResolvePath(root, p.Images)))
            throw new JobParameterException("images", $"The image folder '{p.Images}' does not exist.");
        if (string.IsNullOrWhiteSpace(p.Output)) throw new JobParameterException("out", "Name the dataset folder to write.");
        if (Path.GetFullPath(StoredRunModel.ResolvePath(root, p.Output)) == Path.GetFullPath(StoredRunModel.ResolvePath(root, p.Images)))
            throw new JobParameterException("out", "The dataset must be written to a folder other than the images'.");
        var (_, path) = SplitSpec(p.Segmenter);
        if (!File.Exists(StoredRunModel.ResolvePath(root, path)))
            throw new JobParameterException("segmenter", $"The segmenter weights '{path}' do not exist.");
        if (p.Size is < 8 or > 1024) throw new JobParameterException("size", $"The size must be between 8 and 1024 pixels (got {p.Size}).");
        if (p.Batch is < 1 or > 256) throw new JobParameterException("batch", $"The batch must be between 1 and 256 (got {p.Batch}).");
        if (string.IsNullOrWhiteSpace(p.Split)) throw new JobParameterException("split", "Name the split.");
    }

    private static (string Kind, string Path) SplitSpec(string? spec)
    {
        var t = spec?.Trim() ?? "";
        var colon = t.IndexOf(':');
        if (colon <= 0 || colon == t.Length - 1)
            throw new JobParameterException("segmenter", $"Name the segmenter as KIND:PATH, e.g. {SegmenterSource.WorldSegmenterKind}:data/models/world-seg.pt.");
        if (!string.Equals(t[..colon], SegmenterSource.WorldSegmenterKind, StringComparison.OrdinalIgnoreCase))
            throw new JobParameterException("segmenter", $"Unknown segmenter kind '{t[..colon]}'; known: {SegmenterSource.WorldSegmenterKind}.");
        return (t[..colon], t[(colon + 1)..]);
    }

    protected override void Execute(JobContext context, LabelParameters p)
    {
        var (kind, path) = SplitSpec(p.Segmenter);
        context.Report("loading the segmenter", 0, 0);
        using var segmenter = SegmenterSource.Load($"{kind}:{context.Resolve(path)}");
        var options = new LabellingOptions(context.Resolve(p.Images), context.Resolve(p.Output), p.Size, p.Batch, p.Split, p.SkipBadImages);
        var summary = DatasetLabeller.Label(segmenter, options, context.DissectionProgress(), context.Cancel);
        context.Publish(summary);
        context.Note = $"Labelled {summary.Images} images at {summary.SegSize}×{summary.SegSize} ({summary.Labelled} segmented, " +
                       $"{summary.Reused} from the cache)." +
                       (summary.BadImages.Count > 0 ? $" {summary.BadImages.Count} unreadable image(s) skipped." : "");
    }
}
