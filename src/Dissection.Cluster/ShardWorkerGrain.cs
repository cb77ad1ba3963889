// The worker grain (IShardWorkerGrain): one shard of one job, its Core DissectionShard kept between the passes.
using Dissection.Core.Ablation;
using Dissection.Core.Dissection;
using Dissection.Core.Gan;

namespace Dissection.Cluster;

[ShardPlacement]
internal sealed class ShardWorkerGrain(SiloModels models) : Grain, IShardWorkerGrain
{
    private DissectionShard? _shard;
    private (int First, int Count) _range;

    public Task<ShardReply> Pass1(WorkOrder order, int first, int count) =>
        models.RunAsync(() => (Shard(order, first, count).Pass1(), count));

    public Task<ShardReply> CountWindows(WorkOrder order, int first, int count, byte[] windows) =>
        models.RunAsync(() => (Shard(order, first, count).CountWindows(windows), count));

    public Task<ShardReply> Pass2(WorkOrder order, int first, int count, byte[] plan) =>
        models.RunAsync(() => (Shard(order, first, count).Pass2(plan), count));

    public Task<ShardReply> Ablate(WorkOrder order, byte[] request) => models.RunAsync(() =>
    {
        var settings = order.ReadAblationSettings();
        var ranking = AblationShard.WantsRanking(request);
        var model = models.Classifier(order);
        var dataset = models.Dataset(order.Dataset);
        // A session per call: its head cache lives as long as the call (a worker's next chunk may land elsewhere).
        using var session = AblationSession.Open(model, dataset, order.Layers[0],
            ranking ? settings with { Split = settings.RankSplit, Limit = settings.RankLimit } : settings);
        return (AblationShard.Evaluate(session, request), session.Images);
    });

    private DissectionShard Shard(WorkOrder order, int first, int count)
    {
        if (_shard is not null && _range == (first, count)) return _shard;
        _shard?.Dispose();
        var range = new ShardRange(first, count);
        var settings = order.ReadDissectionSettings();
        _shard = order.Kind switch
        {
            WorkKind.Dissect => DissectionRun.OpenShard(models.Classifier(order), models.Dataset(order.Dataset), order.Layers, settings, range),
            WorkKind.DissectGenerator => GeneratorDissection.OpenShard(models.Generator(order), models.Dataset(order.Dataset),
                models.Latents(order), order.Layers, settings, range),
            _ => throw new ArgumentException($"a {order.Kind} job has no dissection shards"),
        };
        _range = (first, count);
        return _shard;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _shard?.Dispose();
        _shard = null;
        return Task.CompletedTask;
    }
}
