// `dissect train segmenter`: train the world segmenter on a world dataset and report val IoU per object concept.
using Dissection.Core.Training;

namespace Dissection.Cli.Commands;

public sealed class TrainSegmenterCommand : ICommand
{
    public string Name => "train segmenter";
    public string Summary => "Train the world segmenter (object/part/material heads) on a world dataset";
    public string Usage => """
        --dataset DIR     Broden-format world (e.g. data/world)
        --out FILE        weights to write (PyTorch state dict), e.g. data/models/world-seg.pt
        --epochs N        [default 12]
        --batch B         [default 32]
        --lr X            peak learning rate, cosine decay [default 0.002]
        --size S          training resolution in pixels, multiple of 8 [default 64]
        --seed S          [default 1]
        --threads T       torch threads [default 1: leaves a core for other work]
        --max-train N     use only the first N training images
        --max-val N       evaluate on the first N val images [default 1000]
        """;

    public int Run(Args args, CancellationToken cancel)
    {
        var o = new SegmenterTrainingOptions(args.Required("dataset"), args.Required("out"), args.Int("epochs", 12), args.Int("batch", 32),
            args.Double("lr", 2e-3), args.Int("seed", 1), args.Int("size", 64), args.Int("threads", 1), args.Int("max-train"), args.Int("max-val", 1000));
        args.EnsureAllUsed();
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
