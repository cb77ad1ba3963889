// The executor's cluster (Core's IJobCluster) over an Orleans connection: a job's dissection goes to a coordinator
// grain; its progress comes back as the phase, the shards done and each silo's throughput, so the dashboard's and the
// CLI's progress show the cluster's state; cancelling the job cancels the cluster's.
using Dissection.Core.Jobs;
using Dissection.Core.Work;
using Orleans.Runtime;

namespace Dissection.Cluster;

public sealed class ClusterJobs(ClusterConnection connection, ClusterSettings settings) : IJobCluster
{
    public IReadOnlyList<Core.Dissection.LayerResult> Dissect(ClusterDissection request, IProgress<DissectionProgress> progress, CancellationToken cancel)
    {
        var shards = settings.Shards > 0 ? settings.Shards : 2 * ActiveSilos();
        var order = WorkOrder.Dissection(request.Model, request.Dataset, request.Layers, request.Settings, shards, request.Options?.InputSize)
            with { Device = request.Options?.Device ?? "cpu" };
        return connection.DissectAsync(request.Job, order, new Relay(progress), cancel).GetAwaiter().GetResult();
    }

    private int ActiveSilos() =>
        Math.Max(1, connection.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).GetAwaiter().GetResult().Count);

    /// <summary>One line per report: "pass 1: model · 3/6 shards · silo A 12.1 img/s, silo B 11.8 img/s · shard 4 moving".</summary>
    public static string Describe(ClusterProgress p)
    {
        var parts = new List<string> { p.Phase.Length > 0 ? p.Phase : p.Status };
        if (p.Shards.Count > 0) parts.Add($"{p.Shards.Count(s => s.State == "done")}/{p.Shards.Count} shards done");
        if (p.Silos.Count > 0) parts.Add(string.Join(", ", p.Silos.Select(s => $"silo {s.Silo} {s.ImagesPerSecond:F1} img/s")));
        var moving = p.Shards.Where(s => s.State.StartsWith("moving", StringComparison.Ordinal)).Select(s => $"shard {s.Shard} {s.State}").ToList();
        if (moving.Count > 0) parts.Add(string.Join(", ", moving));
        return string.Join(" · ", parts);
    }

    private sealed class Relay(IProgress<DissectionProgress> to) : IProgress<ClusterProgress>
    {
        public void Report(ClusterProgress p) => to.Report(new DissectionProgress(Describe(p), p.Done, p.Total, 0));
    }
}
