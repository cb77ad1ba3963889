// `dissect train encoder`: train the photo-inversion encoder against a generator (generated samples, then real images), resumably.
using System.CommandLine;
using Dissection.Core.Training;

namespace Dissection.Cli.Commands;

public sealed class TrainEncoderCommand : Verb
{
    private readonly Option<string> _model = CliOptions.Text("--model", "the generator, proggan:PATH.pth", "SPEC", required: true);
    private readonly Option<string> _out = CliOptions.Text("--out",
        "encoder weights, e.g. data/models/world-gan-encoder.pt (+ FILE.json); state goes to FILE-without-ext.train/", "FILE", required: true);
    private readonly Option<string> _layer = CliOptions.TextOr("--layer", "the generator layer whose features the encoder predicts (the paint layer)", "layer4", "LAYER");
    private readonly Option<string> _dataset = CliOptions.Text("--dataset", "world or image folder for the real-image phase (train split); omit for generated samples only", "DIR");
    private readonly Option<int> _steps = CliOptions.Int("--steps", "total steps (a resumed run continues up to N)", 3000, min: 1);
    private readonly Option<int> _generatedSteps = CliOptions.Int("--generated-steps", "steps on generated samples alone before real images join (then alternating)", 1500, min: 0);
    private readonly Option<int> _batch = CliOptions.Int("--batch", "batch size", 16, min: 2, helpName: "B");
    private readonly Option<int> _seed = CliOptions.Int("--seed", "random seed", 1, helpName: "S");
    private readonly Option<double> _lr = CliOptions.Number("--lr", "Adam learning rate", 1e-3);
    private readonly Option<int> _width = CliOptions.Int("--width", "channels of the encoder's first downsampling (doubles per halving, at most 256)", 64, min: 8, helpName: "W");
    private readonly Option<int> _checkpointEvery = CliOptions.Int("--checkpoint-every", "steps between checkpoints", 250, min: 1);
    private readonly Option<int> _threads = CliOptions.Int("--threads", "torch threads", 1, min: 1, helpName: "T");
    private readonly Option<int> _maxImages = CliOptions.Int("--max-images", "real training images held in memory", 4000, min: 2);
    private readonly Option<bool> _noResume = CliOptions.Flag("--no-resume", "start over even if a checkpoint exists");

    public TrainEncoderCommand() : base("encoder", "Train the photo-inversion encoder of a ProGAN generator (image -> latent and paint-layer features; resumable)") =>
        Add(_model, _out, _layer, _dataset, _steps, _generatedSteps, _batch, _seed, _lr, _width, _checkpointEvery, _threads, _maxImages, _noResume);

    public override string Group => "train";

    protected override int Run(ParseResult parse, CancellationToken cancel)
    {
        var o = new EncoderTrainingOptions(parse.GetValue(_model)!, parse.GetValue(_out)!, parse.GetValue(_layer)!, parse.GetValue(_dataset),
            parse.GetValue(_steps), parse.GetValue(_generatedSteps), parse.GetValue(_batch), parse.GetValue(_seed), parse.GetValue(_lr),
            parse.GetValue(_width), parse.GetValue(_checkpointEvery), parse.GetValue(_threads), !parse.GetValue(_noResume), parse.GetValue(_maxImages));
        var progress = new Progress(r => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {r}"));
        var result = EncoderTraining.Train(o, progress, cancel);
        Console.WriteLine($"encoder: {result.Steps} steps, {result.SecondsPerStep * 1000:F0} ms/step this session, " +
                          $"pixel MSE generated {result.GeneratedPixelMse:F4} real {result.RealPixelMse:F4}; weights {result.Output}");
        return 0;
    }

    private sealed class Progress(Action<TrainerProgress> report) : IProgress<TrainerProgress>
    {
        public void Report(TrainerProgress value) => report(value);
    }
}
