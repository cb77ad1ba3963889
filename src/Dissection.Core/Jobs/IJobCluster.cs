// Where a job's dissection runs when a cluster is configured: Dissection.Cluster implements this over Microsoft
// Orleans (Core knows nothing of it); JobExecutorOptions.Cluster null (the default) runs every job in its process.
// The job itself (its run, progress, cancel, saving each layer) stays the executor's, whichever runs the passes.
using Dissection.Core.Dissection;
using Dissection.Core.Models;
using Dissection.Core.Work;

namespace Dissection.Core.Jobs;

/// <param name="Job">A name unique to this attempt of the job (the cluster's coordinator key).</param>
/// <param name="Model">The model spec with an absolute checkpoint path (every silo reads the same path).</param>
/// <param name="Dataset">The absolute dataset folder (a path every silo sees).</param>
public sealed record ClusterDissection(string Job, string Model, ModelOptions? Options, string Dataset, IReadOnlyList<string> Layers,
    DissectionSettings Settings);

public interface IJobCluster
{
    /// <summary>Dissects on the cluster; the results equal DissectionRun.Execute's exactly. Progress names the phase,
    /// the shards done and each silo's throughput; cancel stops the cluster's job.</summary>
    IReadOnlyList<LayerResult> Dissect(ClusterDissection request, IProgress<DissectionProgress> progress, CancellationToken cancel);
}
