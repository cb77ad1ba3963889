// The options the GAN experiment verbs (gan-removal, gan-context) share, and their way through the job executor: each
// verb is the GanCausal job kind with only its own experiment measured.
using System.CommandLine;
using Dissection.Core.Jobs;
using Dissection.Core.Jobs.Kinds;
using TorchSharp;

namespace Dissection.Cli.Commands;

internal sealed class GanExperimentOptions(int defaultSamples)
{
    private readonly Option<long?> _run = CliOptions.Run("a stored generator run (from `dissect run --dataset z:SEED:COUNT`)");
    private readonly Option<string> _db = CliOptions.Db();
    private readonly Option<string> _layer = CliOptions.Text("--layer", "a dissected layer of the run (default: the run's first layer)", "L");
    private readonly Option<string> _concept = CliOptions.Text("--concept",
        "the concept (default: tree if the layer has tree detectors, else the object concept with the most detectors)", "NAME");
    private readonly Option<string> _segmenter = CliOptions.Text("--segmenter", "measure with this segmenter instead of the run's", "SPEC");
    private readonly Option<int> _samples = CliOptions.Int("--samples", "latents measured", defaultSamples);
    private readonly Option<long?> _seed = CliOptions.Long("--seed", "seed of the measured latents (default: the run's seed + 1, i.e. samples the run did not see)", "S");
    private readonly Option<string> _cache = CliOptions.Cache();

    public Option[] All => [_run, _db, _layer, _concept, _segmenter, _samples, _seed, _cache];

    /// <summary>The GanCausal job's parameters from the shared options, with no experiment chosen yet.</summary>
    public GanCausalParameters Parameters(ParseResult parse) =>
        new(parse.GetValue(_run)!.Value, parse.GetValue(_layer), parse.GetValue(_concept), Seed: parse.GetValue(_seed),
            Segmenter: parse.GetValue(_segmenter));

    public int Samples(ParseResult parse) => parse.GetValue(_samples);

    /// <summary>Runs the GanCausal job with the verb's experiment and returns the result it published.</summary>
    public T Run<T>(ParseResult parse, GanCausalParameters parameters, CancellationToken cancel) where T : class
    {
        var db = parse.GetValue(_db)!;
        if (!File.Exists(db)) throw new FileNotFoundException($"no results database at {Path.GetFullPath(db)}");
        torch.set_num_threads(Math.Max(1, Environment.ProcessorCount));
        T? result = null;
        var job = CliJobs.Run(db, parse.GetValue(_cache)!,
            new JobRequest(JobKind.GanCausal, GanCausalJob.Title(parameters), parameters, CliJobs.RequestedBy, ResumeOnStart: false),
            cancel, r => result = r as T ?? result,
            new Dictionary<string, string> { ["removal-samples"] = "samples", ["context-samples"] = "samples" });
        if (job.Message is { } note) Console.Error.WriteLine(note);
        return result ?? throw new InvalidOperationException($"job {job.Id} ended without a result");
    }
}
