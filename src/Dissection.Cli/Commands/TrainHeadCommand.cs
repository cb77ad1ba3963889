// `dissect train head`: retrain the demo classifier's last layer on its frozen features with an L1 penalty, so each
// class reads a few units (the shipped demo weights: see SparseHeadTraining for why).
using Dissection.Core.Training;

namespace Dissection.Cli.Commands;

public sealed class TrainHeadCommand : ICommand
{
    public string Name => "train head";
    public string Summary => "retrain the demo classifier's last layer on frozen features with an L1 penalty (sparse head)";
    public string Usage => """
        --dataset DIR    Broden-format dataset with a scene column (default data/world)
        --init FILE      trained WorldVgg weights whose features are kept (with FILE.json)
        --out FILE       the new weights and FILE.json (default data/models/world-vgg.pt)
        --l1 X           L1 penalty on the last layer's weights (default 0.02)
        --steps N        full-batch Adam steps (default 1500)
        --lr X           Adam learning rate (default 0.01)
        --seed N         random seed (default 1)
        --threads N      torch threads (default: all cores)
        --max-images N   use only the first N images of the index (quick trials)
        """;

    public int Run(Args args, CancellationToken cancel)
    {
        var o = new SparseHeadOptions(args.String("dataset", "data/world"), args.Required("init"), args.String("out", "data/models/world-vgg.pt"),
            L1: args.Double("l1", 0.02), Steps: args.Int("steps", 1500), LearningRate: args.Double("lr", 0.01), Seed: args.Int("seed", 1),
            Threads: args.Int("threads", 0), MaxImages: args.Int("max-images"));
        args.EnsureAllUsed();
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
