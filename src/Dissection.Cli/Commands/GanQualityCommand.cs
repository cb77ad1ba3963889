// `dissect gan-quality`: how close a generator's samples are to the real world, as the world segmenter sees both
// (concept frequencies, indoor/outdoor mixing, segmenter confidence; see SampleRealism).
using System.Globalization;
using Dissection.Core.Datasets;
using Dissection.Core.Gan;
using Dissection.Core.Models;

namespace Dissection.Cli.Commands;

public sealed class GanQualityCommand : ICommand
{
    public string Name => "gan-quality";
    public string Summary => "compare a generator's samples with real images through the segmenter (frequencies, mixing, confidence)";
    public string Usage => """
        --model SPEC      proggan:PATH (default proggan:data/models/world-gan.pt)
        --segmenter SPEC  world-seg:PATH (default world-seg:data/models/world-seg.pt)
        --dataset DIR     the real images (default data/world)
        --split S         split of the real images (default val)
        --samples N       generated samples (default 1000)
        --real N          real images (default 1000)
        --seed S          latent seed of the samples (default 1)
        --batch N         (default 16)
        """;

    public int Run(Args args, CancellationToken cancel)
    {
        var spec = args.String("model", "proggan:data/models/world-gan.pt");
        var segSpec = args.String("segmenter", "world-seg:data/models/world-seg.pt");
        var datasetDir = args.String("dataset", "data/world");
        var split = args.String("split", "val");
        var samples = args.Int("samples", 1000);
        var realCount = args.Int("real", 1000);
        var seed = args.Long("seed") ?? 1;
        var batch = args.Int("batch", 16);
        args.EnsureAllUsed();
        if (samples < 2 || realCount < 2 || batch < 1) throw new ArgsException("--samples and --real must be at least 2, --batch at least 1");

        using var generator = GeneratorSpec.Load(spec);
        generator.eval();
        using var segmenter = SegmenterSpec.Load(segSpec);
        if (segmenter.Segmenter is not WorldSegmenter world) throw new ArgsException("--segmenter must be a world segmenter");
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
