// The cluster the dashboard's classifier dissections run on when appsettings.json (or Cluster__* environment
// variables) has a "Cluster" section (Dissection.Cluster; see its README). Without one nothing changes: every job
// runs in this process. The connection is made on first use, so the dashboard starts whether or not the cluster is
// up; a submit while it cannot be reached is refused with the cluster's message, and nothing is queued.
using Dissection.Cluster;
using Dissection.Core.Dissection;
using Dissection.Core.Jobs;
using Dissection.Core.Work;

namespace Dissection.Dashboard.Services;

public sealed class DashboardCluster(ClusterSettings? settings, ILogger<DashboardCluster> log) : IJobCluster, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ClusterConnection? _connection;
    private ClusterJobs? _jobs;

    /// <summary>Whether the settings name a cluster.</summary>
    public bool Configured => settings is not null;

    /// <summary>Connects if not yet connected (the Orleans client then reconnects by itself).</summary>
    /// <exception cref="JobParameterException">the cluster cannot be reached (field "cluster": the form shows it).</exception>
    public void EnsureConnected()
    {
        if (settings is null || _jobs is not null) return;
        // Off the caller's synchronisation context (a Blazor circuit's), which the client's start must not wait on.
        Task.Run(async () =>
        {
            await _gate.WaitAsync();
            try
            {
                if (_jobs is not null) return;
                _connection = await ClusterConnection.ConnectAsync(settings);
                _jobs = new ClusterJobs(_connection, settings);
                log.LogInformation("Connected to cluster {Cluster} ({Clustering} clustering)", settings.ClusterId, settings.Redis is null ? "localhost" : "Redis");
            }
            catch (ClusterUnreachableException e) { throw new JobParameterException("cluster", e.Message); }
            finally { _gate.Release(); }
        }).GetAwaiter().GetResult();
    }

    public IReadOnlyList<LayerResult> Dissect(ClusterDissection request, IProgress<DissectionProgress> progress, CancellationToken cancel)
    {
        EnsureConnected();
        return _jobs!.Dissect(request, progress, cancel);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null) await _connection.DisposeAsync();
    }
}
