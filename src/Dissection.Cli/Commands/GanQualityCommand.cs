// `dissect gan-quality`: how close a generator's samples are to the real world, as the world segmenter sees both
// (concept frequencies, indoor/outdoor mixing, segmenter confidence; see SampleRealism).
using System.CommandLine;
using System.Globalization;
using Dissection.Core.Datasets;
using Dissection.Core.Gan;
using Dissection.Core.Models;

namespace Dissection.Cli.Commands;

public sealed class GanQualityCommand : Verb
{
    private readonly Option<string> _model = CliOptions.TextOr("--model", "proggan:PATH", "proggan:data/models/world-gan.pt", "SPEC");
    private readonly Option<string> _segmenter = CliOptions.TextOr("--segmenter", "world-seg:PATH", "world-seg:data/models/world-seg.pt", "SPEC");
    private readonly Option<string> _dataset = CliOptions.TextOr("--dataset", "the real images", "data/world", "DIR");
    private readonly Option<string> _split = CliOptions.TextOr("--split", "split of the real images", "val", "S");
    private readonly Option<int> _samples = CliOptions.Int("--samples", "generated samples", 1000, min: 2);
    private readonly Option<int> _real = CliOptions.Int("--real", "real images", 1000, min: 2);
    private readonly Option<long> _seed = CliOptions.Long("--seed", "latent seed of the samples", 1, "S");
    private readonly Option<int> _batch = CliOptions.Int("--batch", "images per batch", 16, min: 1);

    public GanQualityCommand() : base("gan-quality", "compare a generator's samples with real images through the segmenter (frequencies, mixing, confidence)") =>
        Add(_model, _segmenter, _dataset, _split, _samples, _real, _seed, _batch);

    protected override int Run(ParseResult parse, CancellationToken cancel)
    {
        var spec = parse.GetValue(_model)!;
        var segSpec = parse.GetValue(_segmenter)!;
        var datasetDir = parse.GetValue(_dataset)!;
        var split = parse.GetValue(_split)!;
        var samples = parse.GetValue(_samples);
        var realCount = parse.GetValue(_real);
        var seed = parse.GetValue(_seed);
        var batch = parse.GetValue(_batch);

        using var generator = GeneratorSpec.Load(spec);
        generator.eval();
        using var segmenter = SegmenterSpec.Load(segSpec);
        if (segmenter.Segmenter is not WorldSegmenter world) throw new UsageException("--segmenter must be a world segmenter");
        var dataset = ConceptDataset.Open(datasetDir);
        using var z = ZDataset.FromSeed(generator.ZDim, seed, samples);
        var r = SampleRealism.Measure(generator, world, segmenter.Concepts, z, dataset, realCount, split, batch, cancel);

        Console.WriteLine($"{r.Samples} samples of {spec} vs {r.RealImages} real images ({split}) at {generator.Resolution} px");
        Console.WriteLine($"concept pixel frequency correlation: {F(r.FrequencyCorrelation)}");
        Console.WriteLine($"samples with sky and an indoor surface (each >= 1 %): {r.SampleMixed:P1} (real: {r.RealMixed:P1})");
        Console.WriteLine($"segmenter confidence: samples {F(r.SampleConfidence)}, real {F(r.RealConfidence)}, ratio {F(r.ConfidenceRatio)}");
        Console.WriteLine("concept              samples    real");
        foreach (var (name, (s, real)) in r.Frequencies.OrderByDescending(kv => kv.Value.Real))
            Console.WriteLine($"{name,-18} {s,9:P2} {real,8:P2}");
        return 0;
    }

    private static string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
}
