// The models and datasets of one silo: each loaded once and kept for every worker activated on the silo, and a gate
// so that one piece of work runs at a time per silo (the silo's torch threads are its CPU budget). Errors come back
// as the silo's own message ("silo S: ..."), which the coordinator fails the job with.
using System.Collections.Concurrent;
using System.Diagnostics;
using Dissection.Core.Datasets;
using Dissection.Core.Gan;
using Dissection.Core.Models;
using Orleans.Runtime;

namespace Dissection.Cluster;

/// <summary>How a silo loads models; replaced in tests with in-memory ones.</summary>
public sealed record ModelLoaders(Func<WorkOrder, LoadedModel> Classifier, Func<string, ProgressiveGenerator> Generator)
{
    public static readonly ModelLoaders Default = new(
        o => ModelRegistry.Load(ModelSpec.Parse(o.Model), new ModelOptions(o.Device, o.InputSize)),
        spec =>
        {
            var g = GeneratorSpec.Load(spec);
            g.eval();
            return g;
        });
}

public sealed class SiloModels(ModelLoaders loaders, ILocalSiloDetails silo) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<object>> _loaded = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);

    public string Silo => silo.SiloAddress.ToParsableString();

    public LoadedModel Classifier(WorkOrder o) => Get($"model|{o.Model}|{o.Device}|{o.InputSize}", () => loaders.Classifier(o));
    public ProgressiveGenerator Generator(WorkOrder o) => Get($"generator|{o.Model}", () => loaders.Generator(o.Model));
    public ConceptDataset Dataset(string path) => Get($"dataset|{path}", () => ConceptDataset.Open(path));

    public ZDataset Latents(WorkOrder o)
    {
        var z = ZSpec.Parse(o.Z ?? throw new ArgumentException("a generator dissection needs z:SEED:COUNT"));
        var g = Generator(o);
        return Get($"z|{o.Model}|{o.Z}", () => ZDataset.FromSeed(g.ZDim, z.Seed, z.Count));
    }

    private T Get<T>(string key, Func<T> load) where T : class
    {
        var lazy = _loaded.GetOrAdd(key, _ => new Lazy<object>(() => load()));
        try { return (T)lazy.Value; }
        catch
        {
            _loaded.TryRemove(key, out _);   // a failed load is tried again next time (the file may appear)
            throw;
        }
    }

    /// <summary>Runs CPU work off the grain scheduler, one piece at a time on this silo.</summary>
    public async Task<ShardReply> RunAsync(Func<(byte[] Bytes, int Images)> work)
    {
        await _gate.WaitAsync();
        try
        {
            return await Task.Run(() =>
            {
                var clock = Stopwatch.StartNew();
                try
                {
                    var (bytes, images) = work();
                    return new ShardReply(bytes, Silo, clock.Elapsed.TotalSeconds, images);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The silo's own words, without a stack: the coordinator fails the job with them.
                    throw new ShardFailedException($"silo {Silo}: {e.Message}");
                }
            });
        }
        finally { _gate.Release(); }
    }

    public void Dispose()
    {
        foreach (var lazy in _loaded.Values)
            if (lazy.IsValueCreated && lazy.Value is IDisposable d) d.Dispose();
        _gate.Dispose();
    }
}

/// <summary>Work that failed on a silo for a reason another silo would meet too (a model that does not load, an
/// unreadable dataset): the job fails with this message instead of moving the shard.</summary>
[GenerateSerializer, Alias("dissection.shard-failed")]
public sealed class ShardFailedException : Exception
{
    public ShardFailedException(string message) : base(message) { }
}
