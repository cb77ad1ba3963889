// A client's connection to the cluster: connects within ClusterSettings.ConnectTimeout or fails with a clear error
// (nothing was submitted then), submits a job to its coordinator grain, relays its progress while it runs, cancels it
// on request, and reads the results back from job JSON.
using System.Text.Json;
using Dissection.Core.Ablation;
using Dissection.Core.Dissection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dissection.Cluster;

/// <summary>The cluster could not be reached at submit time; no job was queued.</summary>
public sealed class ClusterUnreachableException(string message, Exception? inner = null) : Exception(message, inner);

public sealed class ClusterConnection : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterConnection(IHost host, IClusterClient client) => (_host, Client) = (host, client);

    public IClusterClient Client { get; }

    public static async Task<ClusterConnection> ConnectAsync(ClusterSettings settings, CancellationToken cancel = default)
    {
        var host = Host.CreateDefaultBuilder()
            .ConfigureLogging(l => l.ClearProviders())
            .UseOrleansClient(c => ClusterHosting.ConfigureClient(c, settings))
            .Build();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(settings.ConnectTimeout);
        try
        {
            await host.StartAsync(timeout.Token);
            return new ClusterConnection(host, host.Services.GetRequiredService<IClusterClient>());
        }
        catch (Exception e) when (!cancel.IsCancellationRequested)
        {
            host.Dispose();
            var where = settings.Redis is null ? $"localhost gateway port {settings.GatewayPort}" : "the Redis named in the Cluster settings";
            throw new ClusterUnreachableException(
                $"The cluster '{settings.ClusterId}' cannot be reached ({where}) within {settings.ConnectTimeout.TotalSeconds:0} s; " +
                "start its silos (dissect silo) or remove the Cluster settings to run here. Nothing was queued.", e);
        }
    }

    /// <summary>Runs a dissection (classifier or generator) on the cluster; results equal a local run's exactly.</summary>
    public async Task<IReadOnlyList<LayerResult>> DissectAsync(string job, WorkOrder order, IProgress<ClusterProgress>? progress = null,
        CancellationToken cancel = default) =>
        JsonSerializer.Deserialize<List<LayerResult>>(await RunAsync(job, order, progress, cancel), WorkOrder.Json)!;

    public async Task<AblationResult> AblateAsync(string job, WorkOrder order, IProgress<ClusterProgress>? progress = null,
        CancellationToken cancel = default) =>
        JsonSerializer.Deserialize<AblationResult>(await RunAsync(job, order, progress, cancel), WorkOrder.Json)!;

    public Task<ClusterProgress> ProgressAsync(string job) => Client.GetGrain<IJobCoordinatorGrain>(job).Progress();

    private async Task<string> RunAsync(string job, WorkOrder order, IProgress<ClusterProgress>? progress, CancellationToken cancel)
    {
        var coordinator = Client.GetGrain<IJobCoordinatorGrain>(job);
        var run = coordinator.Run(order);
        using var relay = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            var cancelled = false;
            while (!relay.IsCancellationRequested)
            {
                try
                {
                    if (cancel.IsCancellationRequested && !cancelled) { cancelled = true; await coordinator.Cancel(); }
                    if (progress is not null) progress.Report(await coordinator.Progress());
                    await Task.Delay(500, relay.Token);
                }
                catch (OperationCanceledException) { break; }
                catch (Exception) { await Task.Delay(500); }   // the coordinator is moving: ask again
            }
        });
        try
        {
            var json = await run;
            cancel.ThrowIfCancellationRequested();
            return json;
        }
        finally
        {
            relay.Cancel();
            await watcher;
            if (progress is not null)
                try { progress.Report(await coordinator.Progress()); } catch (Exception) { /* the last report is best effort */ }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try { await _host.StopAsync(); } catch (Exception) { /* the cluster may be gone already */ }
        _host.Dispose();
    }
}
