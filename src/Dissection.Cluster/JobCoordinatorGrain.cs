// The coordinator grain (IJobCoordinatorGrain): the cluster transport of Core's sharded runs. Each shard is a worker
// grain "JOB#RUN/SHARD"; a call that fails because its silo died or stopped answering is made again (the worker
// re-activates on a live silo and rebuilds the shard), at most MaxAttempts times; a call that fails on the silo's
// own work (ShardFailedException: the model or dataset cannot be read) fails the job with that silo's message. Only
// replies are merged, once per shard and pass, so a moved shard is never counted twice.
using System.Collections.Concurrent;
using System.Text.Json;
using Dissection.Core.Ablation;
using Dissection.Core.Dissection;
using Dissection.Core.Gan;
using Dissection.Core.Work;

namespace Dissection.Cluster;

internal sealed class JobCoordinatorGrain(
    [PersistentState("job", ClusterHosting.Storage)] IPersistentState<CoordinatorState> state,
    IGrainFactory grains, SiloModels models) : Grain, IJobCoordinatorGrain
{
    public const int MaxAttempts = 6;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private IGrainFactory Grains => grains;
    private CancellationTokenSource? _cancel;
    private readonly ConcurrentDictionary<int, ShardStatus> _shards = new();
    private readonly ConcurrentDictionary<string, SiloThroughput> _silos = new();
    private DissectionProgress? _phase;

    public async Task<string> Run(WorkOrder order)
    {
        _cancel = new CancellationTokenSource();
        _shards.Clear();
        _silos.Clear();
        var s = state.State;
        s.Order = order;
        s.Status = "running";
        s.Error = null;
        s.Runs++;
        await state.WriteStateAsync();
        var job = $"{this.GetPrimaryKeyString()}#{s.Runs}";
        try
        {
            var json = order.Kind == WorkKind.Ablate ? await Ablate(job, order, _cancel.Token) : await Dissect(job, order, _cancel.Token);
            s.Status = "done";
            return json;
        }
        catch (OperationCanceledException)
        {
            s.Status = "cancelled";
            throw;
        }
        catch (Exception e)
        {
            s.Status = "failed";
            // A worker's failure names its silo already; the coordinator's own (the dataset it opens) names this one.
            s.Error = e is ShardFailedException ? e.Message : $"silo {models.Silo}: {e.Message}";
            throw new ShardFailedException(s.Error);
        }
        finally
        {
            s.Shards = _shards.Values.OrderBy(x => x.Shard).ToList();
            s.Phase = _phase?.Phase ?? "";
            await state.WriteStateAsync();
        }
    }

    public Task<ClusterProgress> Progress()
    {
        var s = state.State;
        var p = _phase;
        var shards = _shards.IsEmpty ? s.Shards : _shards.Values.OrderBy(x => x.Shard).ToList();
        return Task.FromResult(new ClusterProgress(s.Status, p?.Phase ?? s.Phase, p?.Done ?? 0, p?.Total ?? 0, shards,
            _silos.Values.OrderBy(x => x.Silo, StringComparer.Ordinal).ToList(), s.Error, models.Silo));
    }

    public Task Cancel()
    {
        _cancel?.Cancel();
        return Task.CompletedTask;
    }

    private async Task<string> Dissect(string job, WorkOrder order, CancellationToken cancel)
    {
        var settings = order.ReadDissectionSettings();
        var dataset = models.Dataset(order.Dataset);
        var scope = order.Kind == WorkKind.DissectGenerator ? GeneratorDissection.ShardScope(dataset, settings) : DissectionRun.ShardScope(dataset, settings);
        var ranges = ShardRange.Split(scope.Images.Count, settings.BatchSize, Math.Max(1, order.Shards));
        foreach (var (r, i) in ranges.Select((r, i) => (r, i))) _shards[i] = new ShardStatus(i, "pending", null, 0);
        var shards = new Shards(this, job, order, ranges);
        var (layers, _) = await ShardedDissection.RunAsync(scope, order.Layers, shards, new Phase(p => _phase = p), cancel);
        return JsonSerializer.Serialize(layers, WorkOrder.Json);
    }

    private async Task<string> Ablate(string job, WorkOrder order, CancellationToken cancel)
    {
        var settings = order.ReadAblationSettings();
        var shards = new Shards(this, job, order, []);
        // AblationRunner is synchronous (ShardedUnitSets blocks on its calls): off the grain's scheduler.
        var result = await Task.Run(async () =>
        {
            var sets = await ShardedUnitSets.OpenAsync(shards, false, cancel);
            var ranking = settings.RankSplit is null ? null : await ShardedUnitSets.OpenAsync(shards, true, cancel);
            return AblationRunner.Run(sets, settings, new Phase(p => _phase = p), cancel, ranking);
        }, cancel);
        return JsonSerializer.Serialize(result, WorkOrder.Json);
    }

    private void Started(int shard, int attempt) => _shards[shard] = new ShardStatus(shard, "running", _shards.GetValueOrDefault(shard)?.Silo, attempt);

    private void Finished(int shard, int attempt, ShardReply reply)
    {
        _shards[shard] = new ShardStatus(shard, "done", reply.Silo, attempt);
        _silos.AddOrUpdate(reply.Silo, _ => Throughput(reply.Silo, 1, reply.Images, reply.Seconds),
            (_, t) => Throughput(reply.Silo, t.Calls + 1, t.Images + reply.Images, t.Seconds + reply.Seconds));
    }

    private static SiloThroughput Throughput(string silo, int calls, long images, double seconds) =>
        new(silo, calls, images, seconds, seconds > 0 ? images / seconds : 0);

    private void Moved(int shard, int attempt, Exception e) =>
        _shards[shard] = new ShardStatus(shard, $"moving after {e.GetType().Name}", null, attempt);

    /// <summary>Core's view of the workers: one call per shard and pass, made again on another silo when a silo fails.</summary>
    private sealed class Shards(JobCoordinatorGrain owner, string job, WorkOrder order, IReadOnlyList<ShardRange> ranges)
        : IDissectionShards, IAblationShards
    {
        public IReadOnlyList<ShardRange> Ranges => ranges;
        /// <summary>Chunks of unit sets: several per worker silo keeps every silo busy while a slow chunk finishes.</summary>
        public int Count => Math.Max(1, order.Shards);

        public Task<byte[]> Pass1Async(int shard, CancellationToken cancel) =>
            Call(shard, w => w.Pass1(order, ranges[shard].First, ranges[shard].Count), cancel);

        public Task<byte[]> CountWindowsAsync(int shard, byte[] windows, CancellationToken cancel) =>
            Call(shard, w => w.CountWindows(order, ranges[shard].First, ranges[shard].Count, windows), cancel);

        public Task<byte[]> Pass2Async(int shard, byte[] plan, CancellationToken cancel) =>
            Call(shard, w => w.Pass2(order, ranges[shard].First, ranges[shard].Count, plan), cancel);

        public Task<byte[]> EvaluateAsync(int shard, byte[] request, CancellationToken cancel) =>
            Call(shard, w => w.Ablate(order, request), cancel, "a");

        private async Task<byte[]> Call(int shard, Func<IShardWorkerGrain, Task<ShardReply>> call, CancellationToken cancel, string prefix = "")
        {
            for (var attempt = 1; ; attempt++)
            {
                cancel.ThrowIfCancellationRequested();
                owner.Started(shard, attempt);
                try
                {
                    var reply = await call(owner.Grains.GetGrain<IShardWorkerGrain>($"{job}/{prefix}{shard}"));
                    owner.Finished(shard, attempt, reply);
                    return reply.Bytes;
                }
                catch (Exception e) when (e is not ShardFailedException and not OperationCanceledException && attempt < MaxAttempts)
                {
                    // The silo died or stopped answering: the same worker key activates on a live silo.
                    owner.Moved(shard, attempt, e);
                    await Task.Delay(RetryDelay, cancel);
                }
            }
        }
    }

    /// <summary>Keeps the last report (Progress&lt;T&gt; would post to a context the grain does not have).</summary>
    private sealed class Phase(Action<DissectionProgress> report) : IProgress<DissectionProgress>
    {
        public void Report(DissectionProgress value) => report(value);
    }
}
