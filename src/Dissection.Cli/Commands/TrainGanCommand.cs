// `dissect train gan`: train the demo Progressive GAN generator on a world, resumably.
using Dissection.Core.Training;

namespace Dissection.Cli.Commands;

public sealed class TrainGanCommand : ICommand
{
    public string Name => "train gan";
    public string Summary => "Train the demo ProGAN generator on a world (progressive growing, EMA, resumable)";
    public string Usage => """
        --dataset DIR       Broden-format world or image folder (training split)
        --out FILE          shipped EMA generator weights, e.g. data/models/world-gan.pt; state goes to FILE-without-ext.train/
        --iterations N      total iterations (a resumed run continues up to N) [default 20000]
        --seed S            [default 1]
        --batch B           [default 16]
        --resolution R      [default 64]
        --z Z               latent size [default 128]
        --g-widths LIST     generator channels per resolution 4..R [default 128,128,64,32,16]
        --d-widths LIST     discriminator channels per resolution R..4 [default 16,32,64,128,128]
        --lr X              Adam learning rate for both nets [default 0.002]
        --r1 GAMMA          R1 penalty weight [default 0.05]
        --grow-stage N      iterations per progressive-growing stage (4 px, then a fade-in and a stable stage per
                            doubling); 0 trains at full resolution only [default 1000]
        --checkpoint-every N  [default 500]
        --threads T         torch threads [default 1]
        --no-resume         start over even if a checkpoint exists
        --max-images N      train on the first N training images only
        """;

    public int Run(Args args, CancellationToken cancel)
    {
        int[]? Ints(string name) => args.List(name) is { Count: > 0 } l ? l.Select(s => int.TryParse(s, out var v) ? v : throw new ArgsException($"--{name}: '{s}' is not an integer")).ToArray() : null;
        var o = new GanTrainingOptions(args.Required("dataset"), args.Required("out"), args.Int("iterations", 20000), args.Int("seed", 1),
            args.Int("resolution", 64), args.Int("batch", 16), args.Int("z", 128), Ints("g-widths"), Ints("d-widths"),
            args.Double("lr", 0.002), args.Double("r1", 0.05), CheckpointEvery: args.Int("checkpoint-every", 500),
            Threads: args.Int("threads", 1), Resume: !args.Flag("no-resume"), MaxImages: args.Int("max-images"), GrowStage: args.Int("grow-stage", 1000));
        args.EnsureAllUsed();
        var progress = new Progress(r => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {r}"));
        var result = GanTraining.Train(o, progress, cancel);
        Console.WriteLine($"gan: {result.Iterations} iterations, {result.SecondsPerStep * 1000:F0} ms/step this session; weights {result.Output}");
        return 0;
    }

    private sealed class Progress(Action<TrainerProgress> report) : IProgress<TrainerProgress>
    {
        public void Report(TrainerProgress value) => report(value);
    }
}
