// `dissect train gan`: train the demo Progressive GAN generator on a world, resumably.
using System.CommandLine;
using Dissection.Core.Training;

namespace Dissection.Cli.Commands;

public sealed class TrainGanCommand : Verb
{
    private readonly Option<string> _dataset = CliOptions.Text("--dataset", "Broden-format world or image folder (training split)", "DIR", required: true);
    private readonly Option<string> _out = CliOptions.Text("--out",
        "shipped EMA generator weights, e.g. data/models/world-gan.pt; state goes to FILE-without-ext.train/", "FILE", required: true);
    private readonly Option<int> _iterations = CliOptions.Int("--iterations", "total iterations (a resumed run continues up to N)", 20000, min: 1);
    private readonly Option<int> _seed = CliOptions.Int("--seed", "random seed", 1, helpName: "S");
    private readonly Option<int> _batch = CliOptions.Int("--batch", "batch size", 16, min: 1, helpName: "B");
    private readonly Option<int> _resolution = CliOptions.Int("--resolution", "image resolution", 64, min: 4, helpName: "R");
    private readonly Option<int> _z = CliOptions.Int("--z", "latent size", 128, min: 1, helpName: "Z");
    private readonly Option<int[]?> _gWidths = CliOptions.Ints("--g-widths", "generator channels per resolution 4..R (default 128,128,64,32,16)");
    private readonly Option<int[]?> _dWidths = CliOptions.Ints("--d-widths", "discriminator channels per resolution R..4 (default 16,32,64,128,128)");
    private readonly Option<double> _lr = CliOptions.Number("--lr", "Adam learning rate for both nets", 0.002);
    private readonly Option<double> _r1 = CliOptions.Number("--r1", "R1 penalty weight", 0.05, "GAMMA");
    private readonly Option<int> _growStage = CliOptions.Int("--grow-stage",
        "iterations per progressive-growing stage (4 px, then a fade-in and a stable stage per doubling); 0 trains at full resolution only", 1000, min: 0);
    private readonly Option<int> _checkpointEvery = CliOptions.Int("--checkpoint-every", "iterations between checkpoints", 500, min: 1);
    private readonly Option<int> _threads = CliOptions.Int("--threads", "torch threads", 1, min: 1, helpName: "T");
    private readonly Option<bool> _noResume = CliOptions.Flag("--no-resume", "start over even if a checkpoint exists");
    private readonly Option<int?> _maxImages = CliOptions.OptionalInt("--max-images", "train on the first N training images only", min: 1);

    public TrainGanCommand() : base("gan", "Train the demo ProGAN generator on a world (progressive growing, EMA, resumable)") =>
        Add(_dataset, _out, _iterations, _seed, _batch, _resolution, _z, _gWidths, _dWidths, _lr, _r1, _growStage, _checkpointEvery, _threads,
            _noResume, _maxImages);

    public override string Group => "train";

    protected override int Run(ParseResult parse, CancellationToken cancel)
    {
        var o = new GanTrainingOptions(parse.GetValue(_dataset)!, parse.GetValue(_out)!, parse.GetValue(_iterations), parse.GetValue(_seed),
            parse.GetValue(_resolution), parse.GetValue(_batch), parse.GetValue(_z), parse.ValuesOrNull(_gWidths), parse.ValuesOrNull(_dWidths),
            parse.GetValue(_lr), parse.GetValue(_r1), CheckpointEvery: parse.GetValue(_checkpointEvery),
            Threads: parse.GetValue(_threads), Resume: !parse.GetValue(_noResume), MaxImages: parse.GetValue(_maxImages), GrowStage: parse.GetValue(_growStage));
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
