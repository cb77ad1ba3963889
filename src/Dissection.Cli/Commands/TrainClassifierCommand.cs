// `dissect train classifier`: trains the demo scene classifier (WorldVgg) on the synthetic world, with per-epoch
// progress, resumable checkpoints, and a validation confusion matrix at the end.
using System.CommandLine;
using System.Globalization;
using Dissection.Core.Training;

namespace Dissection.Cli.Commands;

public sealed class TrainClassifierCommand : Verb
{
    private readonly Option<string> _dataset = CliOptions.TextOr("--dataset", "Broden-format dataset with a scene column", "data/world", "DIR");
    private readonly Option<string> _out = CliOptions.TextOr("--out", "weights (PyTorch state_dict); FILE.json gets classes and preprocessing", "data/models/world-vgg.pt", "FILE");
    private readonly Option<int> _epochs = CliOptions.Int("--epochs", "epochs", 10, min: 1);
    private readonly Option<int> _batch = CliOptions.Int("--batch", "batch size", 64, min: 1);
    private readonly Option<double> _lr = CliOptions.Number("--lr", "peak learning rate of AdamW (warm-up 1 epoch, cosine decay)", 2e-3);
    private readonly Option<int> _seed = CliOptions.Int("--seed", "random seed", 1);
    private readonly Option<int> _threads = CliOptions.Int("--threads", "torch threads (0: all cores)", 0, min: 0);
    private readonly Option<int?> _maxImages = CliOptions.OptionalInt("--max-images", "use only the first N images of the index (quick trials)", min: 1);
    private readonly Option<int> _crop = CliOptions.Int("--crop", "train on random crops of PX pixels (128 = full image with random shifts)", 96, min: 1, helpName: "PX");
    private readonly Option<bool> _noAugment = CliOptions.Flag("--no-augment", "no random crops/flips");
    private readonly Option<bool> _resume = CliOptions.Flag("--resume", "continue from FILE.ckpt after an interruption");

    public TrainClassifierCommand() : base("classifier", "train the demo scene classifier (WorldVgg) on a dataset with scene labels") =>
        Add(_dataset, _out, _epochs, _batch, _lr, _seed, _threads, _maxImages, _crop, _noAugment, _resume);

    public override string Group => "train";

    protected override int Run(ParseResult parse, CancellationToken cancel)
    {
        var options = new TrainingOptions(
            parse.GetValue(_dataset)!, parse.GetValue(_out)!,
            Epochs: parse.GetValue(_epochs), Seed: parse.GetValue(_seed), BatchSize: parse.GetValue(_batch),
            LearningRate: parse.GetValue(_lr), Resume: parse.GetValue(_resume), Threads: parse.GetValue(_threads),
            MaxImages: parse.GetValue(_maxImages), Augment: !parse.GetValue(_noAugment), TrainCrop: parse.GetValue(_crop));

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
