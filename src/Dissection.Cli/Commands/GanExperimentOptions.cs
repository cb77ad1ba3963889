// The options the GAN experiment verbs (gan-removal, gan-context) share, read from the command line; the stored
// run they name is opened by Core's GanExperimentInputs.
using Dissection.Core.Gan;
using Dissection.Core.Jobs;
using Dissection.Core.Storage;
using Dissection.Core.Work;

namespace Dissection.Cli.Commands;

internal static class GanExperimentOptions
{
    public const string CommonUsage = $"""
          --run ID              a stored generator run (from `dissect run --dataset z:SEED:COUNT`) (required)
          --db PATH             results database (default {ResultsStore.DefaultPath})
          --layer L             a dissected layer of the run (default: the run's first layer)
          --concept NAME        the concept (default: tree if the layer has tree detectors, else the object concept
                                with the most detectors)
          --segmenter SPEC      measure with this segmenter instead of the run's
          --samples N           latents measured
          --seed S              seed of the measured latents (default: the run's seed + 1, i.e. samples the run did not see)
        """;
    /// <summary>The options of <see cref="CommonUsage"/>; the caller reads its own options, then calls EnsureAllUsed.</summary>
    internal sealed record Options(long RunId, string Db, string? Layer, string? Concept, string? Segmenter, int Samples, string? Seed);

    public static Options ReadOptions(Args args, int defaultSamples)
    {
        var o = new Options(args.Long("run") ?? throw new ArgsException("--run is required"), args.String("db", ResultsStore.DefaultPath),
            args.String("layer"), args.String("concept"), args.String("segmenter"), args.Int("samples", defaultSamples), args.String("seed"));
        if (o.Samples < 1) throw new ArgsException($"--samples must be at least 1, got {o.Samples}");
        return o;
    }

    public static GanExperimentInputs Open(Options o, int maxUnits)
    {
        try { return GanExperimentInputs.Open(o.Db, o.RunId, o.Layer, o.Concept, o.Segmenter, maxUnits); }
        catch (JobParameterException e) { throw CliJobs.AsArgs(e); }
    }

}
