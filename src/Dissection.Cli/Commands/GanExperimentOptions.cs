// The options the GAN experiment verbs (gan-removal, gan-context) share, and their way through the job executor: each
// verb is the GanCausal job kind with only its own experiment measured.
using Dissection.Core.Jobs;
using Dissection.Core.Jobs.Kinds;
using Dissection.Core.Storage;
using TorchSharp;

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
          --cache DIR           scratch folder (default data/cache)
        """;
    /// <summary>The options of <see cref="CommonUsage"/>; the caller reads its own options, then calls EnsureAllUsed.</summary>
    internal sealed record Options(long RunId, string Db, string? Layer, string? Concept, string? Segmenter, int Samples, long? Seed, string Cache);

    public static Options ReadOptions(Args args, int defaultSamples) =>
        new(args.Long("run") ?? throw new ArgsException("--run is required"), args.String("db", ResultsStore.DefaultPath),
            args.String("layer"), args.String("concept"), args.String("segmenter"), args.Int("samples", defaultSamples), args.Long("seed"),
            args.String("cache", CliJobs.DefaultCache));

    /// <summary>Runs the GanCausal job with the verb's experiment (<paramref name="only"/> sets its samples and zeroes the
    /// other's) and returns the result it published.</summary>
    public static T Run<T>(Options o, Func<GanCausalParameters, GanCausalParameters> only, CancellationToken cancel) where T : class
    {
        if (!File.Exists(o.Db)) throw new FileNotFoundException($"no results database at {Path.GetFullPath(o.Db)}");
        var parameters = only(new GanCausalParameters(o.RunId, o.Layer, o.Concept, Seed: o.Seed, Segmenter: o.Segmenter));
        torch.set_num_threads(Math.Max(1, Environment.ProcessorCount));
        T? result = null;
        var job = CliJobs.Run(o.Db, o.Cache, new JobRequest(JobKind.GanCausal, GanCausalJob.Title(parameters), parameters, CliJobs.RequestedBy, ResumeOnStart: false),
            cancel, r => result = r as T ?? result, new Dictionary<string, string> { ["removal-samples"] = "samples", ["context-samples"] = "samples" });
        if (job.Message is { } note) Console.Error.WriteLine(note);
        return result ?? throw new InvalidOperationException($"job {job.Id} ended without a result");
    }
}
