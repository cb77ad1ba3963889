// Job kind DissectClassifier: dissects layers of a classifier on a concept dataset into a run. Resumable: the layers
// the run already stored are kept and only the missing ones are dissected (each layer is saved in one transaction),
// so a run killed while saving continues from the layers it had. With a cluster configured (IJobCluster) the passes
// run there and the layers come back equal, bit for bit.
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Models;
using Dissection.Core.Storage;
using Dissection.Core.Work;

namespace Dissection.Core.Jobs.Kinds;

/// <param name="Model">ARCH or ARCH:CHECKPOINT, as stored in the run (a relative checkpoint is relative to the root).</param>
/// <param name="Dataset">A Broden-format folder, as stored in the run.</param>
/// <param name="Options">Device and preprocessing overrides (CLI --device, --input-size, --mean, --std).</param>
public sealed record DissectClassifierParameters(string Model, string Dataset, IReadOnlyList<string> Layers,
    DissectionSettings Settings, ModelOptions? Options = null);

public sealed class DissectClassifierJob : JobHandler<DissectClassifierParameters>
{
    public override JobKind Kind => JobKind.DissectClassifier;

    /// <summary>Records the run the job will fill, queued, and returns its id (the caller passes it in the request,
    /// so the run is listed at once).</summary>
    public static long CreateRun(ResultsStore store, DissectClassifierParameters p, string? name) =>
        store.Runs.CreateRun(string.IsNullOrWhiteSpace(name) ? DefaultName(p) : name.Trim(), p.Model.Trim(), p.Dataset, p.Layers, p.Settings);

    public static string DefaultName(DissectClassifierParameters p) =>
        $"{ModelSpec.Parse(p.Model).Arch} on {Path.GetFileName(Path.TrimEndingDirectorySeparator(p.Dataset))}: {string.Join(",", p.Layers)}";

    protected override void Validate(DissectClassifierParameters p, string root)
    {
        if (string.IsNullOrWhiteSpace(p.Model)) throw new JobParameterException("model", "Choose a model.");
        ModelSpec spec;
        try { spec = StoredRunModel.Spec(p.Model, root); }
        catch (ArgumentException e) { throw new JobParameterException("model", e.Message); }
        if (spec.Checkpoint is { } ck && !File.Exists(ck))
            throw new JobParameterException("checkpoint", $"The checkpoint '{ModelSpec.Parse(p.Model).Checkpoint}' does not exist.");
        if (string.IsNullOrWhiteSpace(p.Dataset)) throw new JobParameterException("dataset", "Choose a dataset.");
        if (!Directory.Exists(StoredRunModel.ResolvePath(root, p.Dataset)))
            throw new JobParameterException("dataset", $"The dataset folder '{p.Dataset}' does not exist.");
        DissectionJobs.ValidateLayers(p.Layers);
        (p.Settings ?? throw new JobParameterException("settings", "The settings are missing.")).Validate();
    }

    protected override void Execute(JobContext context, DissectClassifierParameters p)
    {
        using var store = context.OpenStore();
        var runId = context.RunId ?? CreateRun(store, p, null);
        if (context.RunId is null) context.AttachRun(runId);
        var run = store.Runs.GetRun(runId) ?? throw new InvalidOperationException($"Run {runId} was deleted.");
        DissectionJobs.DissectMissingLayers(context, store, run, p.Layers, missing =>
        {
            Action<LayerResult> save = layer => store.Layers.SaveLayer(runId, layer);
            if (context.Cluster is { } cluster)
            {
                context.Report("submitting to the cluster", 0, 0);
                var request = new ClusterDissection($"job-{context.Job.Id}-{Guid.NewGuid():N}", StoredRunModel.Spec(run.Model, context.Root).ToString(),
                    p.Options, StoredRunModel.DatasetFolder(run, context.Root), missing, p.Settings);
                return (cluster.Dissect(request, context.DissectionProgress(), context.Cancel), save);
            }
            context.Report("loading the model", 0, 0);
            using var model = StoredRunModel.Load(run, context.Root, p.Options);
            context.Report("opening the dataset", 0, 0);
            var dataset = StoredRunModel.OpenDataset(run, context.Root);
            var results = DissectionRun.Execute(model, dataset, missing, p.Settings, context.DissectionProgress(), context.Cancel, context.CacheFolder);
            return (results, save);
        });
    }
}
