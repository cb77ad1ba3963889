// Shards of a dissection run in this process, for the sharding tests: each call opens (or reuses) the shard's
// DissectionShard, replies come back in a shuffled order, and a shard may be "lost" between passes (its worker
// disposed, as when a silo dies) so that a fresh worker must re-run its pass 1 before counting or pass 2.
using Dissection.Core.Dissection;

namespace Dissection.Core.Tests.Sharding;

internal sealed class LocalShards(IReadOnlyList<ShardRange> ranges, Func<ShardRange, DissectionShard> open, int seed, bool loseWorkers = false)
    : IDissectionShards, IDisposable
{
    private readonly Dictionary<int, DissectionShard> _open = [];
    private readonly Random _rng = new(seed);
    private readonly object _gate = new();

    public IReadOnlyList<ShardRange> Ranges => ranges;
    public int Reopened { get; private set; }

    public Task<byte[]> Pass1Async(int shard, CancellationToken cancel) => Call(shard, s => s.Pass1(null, cancel));
    public Task<byte[]> CountWindowsAsync(int shard, byte[] windows, CancellationToken cancel) => Call(shard, s => s.CountWindows(windows, cancel), lose: true);
    public Task<byte[]> Pass2Async(int shard, byte[] plan, CancellationToken cancel) => Call(shard, s => s.Pass2(plan, null, cancel), lose: true);

    private async Task<byte[]> Call(int shard, Func<DissectionShard, byte[]> work, bool lose = false)
    {
        int delay;
        lock (_gate) delay = _rng.Next(30);
        await Task.Delay(delay);   // replies arrive in another order than the shards'
        lock (_gate)               // one model: shards take turns on it, in whatever order they arrive
        {
            if (lose && loseWorkers && _open.Remove(shard, out var lost)) lost.Dispose();
            if (!_open.TryGetValue(shard, out var s))
            {
                if (lose) Reopened++;
                _open[shard] = s = open(ranges[shard]);
            }
            return work(s);
        }
    }

    public void Dispose()
    {
        foreach (var s in _open.Values) s.Dispose();
        _open.Clear();
    }
}
