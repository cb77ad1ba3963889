// The options `invert`, `edit` and `bench-invert` share: the generator, its encoder, the feature-loss classifier and
// the refinement settings; and loading them into an inverter.
using System.CommandLine;
using Dissection.Core.Gan;
using Dissection.Core.Instrumentation;
using Dissection.Core.Models;

namespace Dissection.Cli.Commands;

internal sealed class PhotoOptions
{
    private readonly Option<string> _model = CliOptions.Text("--model", "the generator, proggan:PATH.pth", "SPEC", required: true);
    private readonly Option<string> _encoder = CliOptions.Text("--encoder", "encoder weights from `dissect train encoder` (FILE + FILE.json)", "FILE", required: true);
    private readonly Option<string> _classifier = CliOptions.TextOr("--classifier",
        "classifier whose early features join the refinement loss; 'none' for pixels only", "world-vgg:data/models/world-vgg.pt", "SPEC");
    private readonly Option<int> _steps = CliOptions.Int("--steps", "refinement steps on the edit layer's features (0: the encoder's guess)", 200, min: 0);
    private readonly Option<int> _adaptSteps = CliOptions.Int("--adapt-steps", "steps adapting the layers after the edit layer to the image (0: none)", 0, min: 0);
    private readonly Option<double> _lr = CliOptions.Number("--lr", "refinement learning rate (Adam)", new InversionSettings().LearningRate);
    private readonly Option<double> _featureWeight = CliOptions.Number("--feature-weight", "weight of the classifier feature loss", new InversionSettings().FeatureWeight);

    private readonly Option<int> _threads = CliOptions.Int("--threads", "torch threads (small passes run fastest on one)", 1, min: 1, helpName: "T");

    public Option[] All => [_model, _encoder, _classifier, _steps, _adaptSteps, _lr, _featureWeight, _threads];

    public InversionSettings Settings(ParseResult parse) => new(parse.GetValue(_steps), parse.GetValue(_lr), parse.GetValue(_featureWeight),
        parse.GetValue(_adaptSteps));

    /// <summary>Generator, encoder (checked against it), the generator's cut at the encoder's layer, the feature loss.</summary>
    public Inverter Load(ParseResult parse)
    {
        TorchSharp.torch.set_num_threads(parse.GetValue(_threads));
        var generator = GeneratorSpec.Load(parse.GetValue(_model)!);
        LatentEncoder? encoder = null;
        try
        {
            generator.eval();
            encoder = LatentEncoder.Load(parse.GetValue(_encoder)!);
            encoder.CheckFits(generator.Layout);
            var cut = InstrumentedModel.Of(generator).Cut(encoder.Shape.Layer);
            var classifier = parse.GetValue(_classifier)!;
            var loss = string.Equals(classifier, "none", StringComparison.OrdinalIgnoreCase) ? null : new PhotoFeatureLoss(classifier);
            return new Inverter(generator, encoder, cut, loss);
        }
        catch
        {
            encoder?.Dispose();
            generator.Dispose();
            throw;
        }
    }
}

internal sealed record Inverter(ProgressiveGenerator Generator, LatentEncoder Encoder, LayerCut Cut, PhotoFeatureLoss? FeatureLoss) : IDisposable
{
    public InvertedPhoto Invert(PhotoPixels photo, InversionSettings settings, CancellationToken cancel) =>
        PhotoInversion.Invert(Generator, Cut, Encoder, FeatureLoss, photo, settings, cancel: cancel);

    public void Dispose()
    {
        FeatureLoss?.Dispose();
        Encoder.Dispose();
        Generator.Dispose();
    }
}
