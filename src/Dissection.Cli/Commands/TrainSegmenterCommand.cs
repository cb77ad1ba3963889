// `dissect train segmenter`: train the world segmenter on a world dataset and report val IoU per object concept.
using System.CommandLine;
using Dissection.Core.Training;

namespace Dissection.Cli.Commands;

public sealed class TrainSegmenterCommand : Verb
{
    private readonly Option<string> _dataset = CliOptions.Text("--dataset", "Broden-format world (e.g. data/world)", "DIR", required: true);
    private readonly Option<string> _out = CliOptions.Text("--out", "weights to write (PyTorch state dict), e.g. data/models/world-seg.pt", "FILE", required: true);
    private readonly Option<int> _epochs = CliOptions.Int("--epochs", "epochs", 12, min: 1);
    private readonly Option<int> _batch = CliOptions.Int("--batch", "batch size", 32, min: 1, helpName: "B");
    private readonly Option<double> _lr = CliOptions.Number("--lr", "peak learning rate, cosine decay", 2e-3);
    private readonly Option<int> _size = CliOptions.Int("--size", "training resolution in pixels, multiple of 8", 64, min: 8, helpName: "S");
    private readonly Option<int> _seed = CliOptions.Int("--seed", "random seed", 1, helpName: "S");
    private readonly Option<int> _threads = CliOptions.Int("--threads", "torch threads (1 leaves a core for other work)", 1, min: 1, helpName: "T");
    private readonly Option<int?> _maxTrain = CliOptions.OptionalInt("--max-train", "use only the first N training images", min: 1);
    private readonly Option<int?> _maxVal = CliOptions.OptionalInt("--max-val", "evaluate on the first N val images (default 1000)", min: 1);

    public TrainSegmenterCommand() : base("segmenter", "Train the world segmenter (object/part/material heads) on a world dataset") =>
        Add(_dataset, _out, _epochs, _batch, _lr, _size, _seed, _threads, _maxTrain, _maxVal);

    public override string Group => "train";

    protected override int Run(ParseResult parse, CancellationToken cancel)
    {
        var o = new SegmenterTrainingOptions(parse.GetValue(_dataset)!, parse.GetValue(_out)!, parse.GetValue(_epochs), parse.GetValue(_batch),
            parse.GetValue(_lr), parse.GetValue(_seed), parse.GetValue(_size), parse.GetValue(_threads), parse.GetValue(_maxTrain), parse.GetValue(_maxVal) ?? 1000);
        var progress = new Progress(r => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {r}"));
        var report = SegmenterTraining.Train(o, progress, cancel);
        Console.WriteLine($"segmenter: {report.Epochs} epochs on {report.TrainImages} images in {report.Elapsed:hh\\:mm\\:ss}; " +
                          $"val ({report.ValImages} images) mean object IoU {report.MeanObjectIoU:F3}, pixel accuracy {report.PixelAccuracy:F3}, " +
                          $"median object concepts per image (>= 1 %) {report.MedianObjectsPredicted} predicted / {report.MedianObjectsTruth} true");
        foreach (var (name, iou) in report.ObjectIoU.OrderByDescending(kv => kv.Value))
            Console.WriteLine($"  {name,-14} {iou:F3}");
        Console.WriteLine($"weights: {o.Output}");
        return 0;
    }

    // Synchronous: System.Progress would post to the thread pool and reorder lines.
    private sealed class Progress(Action<TrainerProgress> report) : IProgress<TrainerProgress>
    {
        public void Report(TrainerProgress value) => report(value);
    }
}
