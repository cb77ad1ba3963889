// `dissect train head`: retrain the demo classifier's last layer on its frozen features with an L1 penalty, so each
// class reads a few units (the shipped demo weights: see SparseHeadTraining for why).
using System.CommandLine;
using Dissection.Core.Training;

namespace Dissection.Cli.Commands;

public sealed class TrainHeadCommand : Verb
{
    private readonly Option<string> _dataset = CliOptions.TextOr("--dataset", "Broden-format dataset with a scene column", "data/world", "DIR");
    private readonly Option<string> _init = CliOptions.Text("--init", "trained WorldVgg weights whose features are kept (with FILE.json)", "FILE", required: true);
    private readonly Option<string> _out = CliOptions.TextOr("--out", "the new weights and FILE.json", "data/models/world-vgg.pt", "FILE");
    private readonly Option<double> _l1 = CliOptions.Number("--l1", "L1 penalty on the last layer's weights", 0.02);
    private readonly Option<int> _steps = CliOptions.Int("--steps", "full-batch Adam steps", 1500, min: 1);
    private readonly Option<double> _lr = CliOptions.Number("--lr", "Adam learning rate", 0.01);
    private readonly Option<int> _seed = CliOptions.Int("--seed", "random seed", 1);
    private readonly Option<int> _threads = CliOptions.Int("--threads", "torch threads (0: all cores)", 0, min: 0);
    private readonly Option<int?> _maxImages = CliOptions.OptionalInt("--max-images", "use only the first N images of the index (quick trials)", min: 1);

    public TrainHeadCommand() : base("head", "retrain the demo classifier's last layer on frozen features with an L1 penalty (sparse head)") =>
        Add(_dataset, _init, _out, _l1, _steps, _lr, _seed, _threads, _maxImages);

    public override string Group => "train";

    protected override int Run(ParseResult parse, CancellationToken cancel)
    {
        var o = new SparseHeadOptions(parse.GetValue(_dataset)!, parse.GetValue(_init)!, parse.GetValue(_out)!,
            L1: parse.GetValue(_l1), Steps: parse.GetValue(_steps), LearningRate: parse.GetValue(_lr), Seed: parse.GetValue(_seed),
            Threads: parse.GetValue(_threads), MaxImages: parse.GetValue(_maxImages));
        var r = SparseHeadTraining.Train(o, new Progress(m => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {m}")), cancel);
        Console.WriteLine($"train accuracy {r.TrainAccuracy:P2}, validation accuracy {r.ValAccuracy:P2}; {r.UnitsUsed} units used in all, " +
                          $"per class: {string.Join(", ", r.Classes.Select((c, i) => $"{c} {r.UnitsPerClass[i]}"))}; {r.Elapsed:hh\\:mm\\:ss}");
        Console.WriteLine($"saved {o.Output} and {o.Output}.json");
        return 0;
    }

    private sealed class Progress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
