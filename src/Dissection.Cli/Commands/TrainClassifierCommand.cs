// `dissect train classifier`: trains the demo scene classifier (WorldVgg) on the synthetic world, with per-epoch
// progress, resumable checkpoints, and a validation confusion matrix at the end.
using System.Globalization;
using Dissection.Core.Training;

namespace Dissection.Cli.Commands;

public sealed class TrainClassifierCommand : ICommand
{
    public string Name => "train classifier";
    public string Summary => "train the demo scene classifier (WorldVgg) on a dataset with scene labels";
    public string Usage => """
        --dataset DIR    Broden-format dataset with a scene column (default data/world)
        --out FILE       weights (PyTorch state_dict); FILE.json gets classes and preprocessing (default data/models/world-vgg.pt)
        --epochs N       epochs (default 10)
        --batch N        batch size (default 64)
        --lr X           peak learning rate of AdamW (default 0.002; warm-up 1 epoch, cosine decay)
        --seed N         random seed (default 1)
        --threads N      torch threads (default: all cores)
        --max-images N   use only the first N images of the index (quick trials)
        --crop PX        train on random crops of PX pixels (default 96; 128 = full image with random shifts)
        --no-augment     no random crops/flips
        --resume         continue from FILE.ckpt after an interruption
        """;

    public int Run(Args args, CancellationToken cancel)
    {
        var options = new TrainingOptions(
            args.String("dataset", "data/world"), args.String("out", "data/models/world-vgg.pt"),
            Epochs: args.Int("epochs", 10), Seed: args.Int("seed", 1), BatchSize: args.Int("batch", 64),
            LearningRate: args.Double("lr", 2e-3), Resume: args.Flag("resume"), Threads: args.Int("threads", 0),
            MaxImages: args.Int("max-images"), Augment: !args.Flag("no-augment"), TrainCrop: args.Int("crop", 96));
        args.EnsureAllUsed();

        var lastBatchLine = DateTime.MinValue;
        var batches = new Progress(b =>
        {
            if ((DateTime.UtcNow - lastBatchLine).TotalSeconds < 30 && b.Batch < b.Batches) return;
            lastBatchLine = DateTime.UtcNow;
            Console.Error.WriteLine($"  epoch {b.Epoch} batch {b.Batch}/{b.Batches} loss {b.Loss:F3} {b.ImagesPerSecond:F0} img/s");
        });
        var epochs = new EpochLines();
        var result = ClassifierTrainer.Train(options, epochs, batches, cancel);

        Console.WriteLine($"validation accuracy {result.ValAccuracy:P1} after {result.Epochs} epochs, training time {result.Elapsed:hh\\:mm\\:ss}");
        Console.WriteLine("confusion matrix (rows = true class, columns = predicted):");
        var n = result.Classes.Count;
        Console.WriteLine("".PadRight(14) + string.Concat(Enumerable.Range(0, n).Select(j => j.ToString(CultureInfo.InvariantCulture).PadLeft(5))) + "  recall");
        for (var i = 0; i < n; i++)
        {
            var row = Enumerable.Range(0, n).Select(j => result.Confusion[i, j]).ToArray();
            var recall = row.Sum() == 0 ? 0 : (double)row[i] / row.Sum();
            Console.WriteLine($"{i,2} {result.Classes[i],-11}" + string.Concat(row.Select(v => v.ToString(CultureInfo.InvariantCulture).PadLeft(5))) + $"  {recall,6:P1}");
        }
        Console.WriteLine($"saved {options.OutputPath} and {options.OutputPath}.json");
        return 0;
    }

    private sealed class Progress(Action<BatchReport> report) : IProgress<BatchReport>
    {
        public void Report(BatchReport value) => report(value);
    }

    private sealed class EpochLines : IProgress<EpochReport>
    {
        public void Report(EpochReport e) => Console.WriteLine(
            $"epoch {e.Epoch}/{e.Epochs}: loss {e.Loss:F4}, train acc {e.TrainAccuracy:P1}, val acc {e.ValAccuracy:P1}, " +
            $"{e.ImagesPerSecond:F0} img/s, elapsed {e.Elapsed:hh\\:mm\\:ss}, eta {e.Eta:hh\\:mm\\:ss}");
    }
}
