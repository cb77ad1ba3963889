// `dissect run`: dissects layers of a model on a concept dataset and stores the result as a new run in the results
// database, through the job executor (the same job kinds the dashboard queues). Progress goes to stderr and to the
// store; the last line on stdout is the new run id. `--resume RUN` continues an interrupted run. With Cluster settings
// in the environment (ClusterSubmit) a classifier dissection runs on the cluster, its results equal to a local run's.
using System.CommandLine;
using Dissection.Core.Jobs;
using Dissection.Core.Jobs.Kinds;
using Dissection.Core.Models;
using Dissection.Core.Storage;
using TorchSharp;
using Dissection.Core.Work;

namespace Dissection.Cli.Commands;

public sealed class RunCommand : Verb
{
    private readonly DissectionOptions _dissection = new();
    private readonly GanRun _gan = new();
    private readonly Option<string> _db = CliOptions.Db();
    private readonly Option<string> _name = CliOptions.Text("--name", "run name (default: model, dataset and layers)", "NAME");
    private readonly Option<string> _cache = CliOptions.Cache();
    private readonly Option<long?> _resume = CliOptions.Long("--resume", "continue an interrupted or failed run, keeping its finished layers (with --db, --cache)", "RUN");

    public RunCommand() : base("run", "dissect layers of a model on a concept dataset into the results database")
    {
        Add(_dissection.All);
        Add(_db, _name, _cache, _resume);
        Add(_gan.All);
        _dissection.Require(this, unless: _resume);
    }

    protected override int Run(ParseResult parse, CancellationToken cancel)
    {
        var db = parse.GetValue(_db)!;
        var cache = parse.GetValue(_cache)!;
        if (parse.GetValue(_resume) is { } resume) return Resume(db, cache, resume, cancel);
        var (spec, options, datasetDir, layers, settings) = _dissection.Read(parse);
        var name = parse.GetValue(_name);
        if (Dissection.Core.Gan.ZSpec.IsZSpec(datasetDir))
            return Execute(db, cache, JobKind.DissectGenerator, _gan.Parameters(parse, spec, datasetDir, layers, settings), name, cancel);
        if (_gan.GivenWithout(parse).ToList() is { Count: > 0 } extra)
            throw new UsageException($"{string.Join(", ", extra)} only apply to a generator dissection (--dataset z:SEED:COUNT)");
        return Execute(db, cache, JobKind.DissectClassifier, new DissectClassifierParameters(spec.ToString(), datasetDir, layers, settings, options), name, cancel);
    }

    /// <summary>Validates, records the run, and dissects it through the job executor in this process; the dashboard
    /// follows it live (and can cancel it), and a kill leaves a job that `--resume` continues.</summary>
    private static int Execute(string db, string cache, JobKind kind, object parameters, string? name, CancellationToken cancel)
    {
        torch.set_num_threads(Math.Max(1, Environment.ProcessorCount));
        // Cluster settings (Cluster__Redis=..., Cluster__GatewayPort=...): classifier dissections run on the cluster.
        // Connected before the run is recorded, so an unreachable cluster leaves nothing queued.
        using var cluster = kind == JobKind.DissectClassifier ? ClusterSubmit.Connect(cancel) : null;
        using var executor = CliJobs.Executor(db, cache, cluster: cluster?.Jobs);
        try { executor.Validate(kind, parameters); }
        catch (JobParameterException e) { throw CliJobs.AsUsage(e); }
        RunInfo run;
        using (var store = ResultsStore.Open(db))
        {
            var runId = parameters switch
            {
                DissectClassifierParameters c => DissectClassifierJob.CreateRun(store, c, name),
                DissectGeneratorParameters g => DissectGeneratorJob.CreateRun(store, g, name),
                _ => throw new ArgumentException($"not a dissection: {kind}"),
            };
            run = store.Runs.GetRun(runId)!;
        }
        Console.Error.WriteLine($"run {run.Id}: {run.Name}");
        var job = executor.RunNow(new JobRequest(kind, run.Name, parameters, CliJobs.RequestedBy, run.Id, ResumeOnStart: false), cancel);
        return Finish(db, job);
    }

    /// <summary>`--resume RUN`: continues an interrupted or failed run in this process, keeping its stored layers.</summary>
    private static int Resume(string db, string cache, long runId, CancellationToken cancel)
    {
        torch.set_num_threads(Math.Max(1, Environment.ProcessorCount));
        JobRecord? job;
        using (var store = ResultsStore.Open(db))
        {
            var run = store.Runs.GetRun(runId) ?? throw new UsageException($"--resume: there is no run {runId} in {db}");
            job = store.Jobs.JobOfRun(runId)
                  ?? throw new UsageException($"--resume: run {runId} was made by an older version and cannot be resumed; start it again");
            Console.Error.WriteLine($"run {runId}: {run.Name} (resuming job {job.Id})");
        }
        using var executor = CliJobs.Executor(db, cache);
        return Finish(db, executor.Resume(job.Id, cancel));
    }

    /// <summary>Prints what each layer found, then the run id last on stdout (what scripts read).</summary>
    private static int Finish(string db, JobRecord job)
    {
        CliJobs.ThrowUnlessDone(job);
        var runId = job.RunId!.Value;
        using var store = ResultsStore.Open(db);
        var run = store.Runs.GetRun(runId)!;
        if (run.Message is { } note) Console.Error.WriteLine(note);
        foreach (var layer in store.Layers.GetLayers(runId, includeUnits: true))
        {
            var detectors = layer.Units.Where(u => u.IsDetector(run.Settings.IouThreshold)).ToList();
            var concepts = detectors.Select(u => u.Label!.Name).Distinct().Count();
            Console.Error.WriteLine($"{layer.Layer}: {layer.Units.Count} units, {detectors.Count} detectors (IoU > {run.Settings.IouThreshold}) " +
                                    $"of {concepts} concepts, {layer.Images} images, {layer.Elapsed.TotalSeconds:F1} s");
        }
        Console.WriteLine(runId);
        return 0;
    }
}
