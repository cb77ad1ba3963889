// A dissection, a generator dissection and an ablation split into shards equal the single-process run bit for bit,
// whatever the shard count and the order replies arrive in, and when a shard's worker is lost between passes (its
// pass 1 runs again on a fresh worker and is not counted twice). Real parts: a synthetic world written in Broden
// format with a seeded random TorchSharp classifier (conv, BatchNorm, conv), and the tiny ProGAN generator with its
// rule segmenter.
using Dissection.Core.Ablation;
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Gan;
using Dissection.Core.Models;
using Dissection.Core.Tests.Ablation;
using Dissection.Core.Tests.Gan;
using Dissection.Core.World;

namespace Dissection.Core.Tests.Sharding;

public sealed class ShardedDissectionTests(ShardedDissectionTests.World w) : IClassFixture<ShardedDissectionTests.World>
{
    public sealed class World : IDisposable
    {
        private readonly TempDir _tmp = new();
        public ConceptDataset Dataset { get; }
        public LoadedModel Model { get; }
        public string[] Layers { get; } = ["relu1", "conv2"];
        public DissectionSettings Settings { get; } = new() { BatchSize = 4, TopK = 3, Quantile = 0.02 };
        public IReadOnlyList<LayerResult> Single { get; }

        public World()
        {
            WorldGenerator.Generate(new WorldOptions(_tmp.File("world"), Count: 30, Size: 32, Seed: 3));
            Dataset = ConceptDataset.Open(_tmp.File("world"));
            // Named by the world's scenes, so the ablation measures against the dataset's labels.
            var scenes = Dataset.Concepts.Where(c => c is { Category: "scene" }).Select(c => c!.Name).ToList();
            Model = AblationModels.Wrap(AblationModels.Random(units: 6, classes: scenes.Count, seed: 5), scenes.Count, scenes);
            Single = DissectionRun.Execute(Model, Dataset, Layers, Settings, cacheRoot: _tmp.Path);
        }

        public string Cache => _tmp.Path;
        public void Dispose() { Model.Dispose(); _tmp.Dispose(); }
    }

    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(2, 2, false)]
    [InlineData(3, 3, true)]
    [InlineData(8, 4, true)]   // 8 shards of 30 images in batches of 4: every shard one batch
    public async Task Sharded_dissection_equals_the_single_process_run(int shards, int seed, bool loseWorkers)
    {
        var ranges = ShardRange.Split(w.Settings.Limit ?? w.Dataset.Images.Count, w.Settings.BatchSize, shards);
        Assert.Equal(Math.Min(shards, 8), ranges.Count);
        using var local = new LocalShards(ranges, r => DissectionRun.OpenShard(w.Model, w.Dataset, w.Layers, w.Settings, r, w.Cache), seed, loseWorkers);
        var (layers, traffic) = await ShardedDissection.RunAsync(DissectionRun.ShardScope(w.Dataset, w.Settings), w.Layers, local);
        ExactResults.Equal(w.Single, layers);
        Assert.True(traffic.Pass1Bytes > 0 && traffic.Pass2Bytes > 0);
        if (loseWorkers) Assert.Equal(ranges.Count * (1 + traffic.WindowPasses), local.Reopened);
    }

    [Fact]
    public async Task Shards_whose_floors_lie_above_the_threshold_count_windows_and_still_equal_the_single_process_run()
    {
        // Floors set as a lone process sets them (share 1): the merged floor lies above some units' T, so the
        // coordinator opens windows below it and every shard counts them from its cache (or, lost, after its pass 1 again).
        var ranges = ShardRange.Split(w.Dataset.Images.Count, w.Settings.BatchSize, 4);
        using var local = new LocalShards(ranges, r => DissectionRun.OpenShard(w.Model, w.Dataset, w.Layers, w.Settings, r, w.Cache, share: 1), 5,
            loseWorkers: true);
        var (layers, traffic) = await ShardedDissection.RunAsync(DissectionRun.ShardScope(w.Dataset, w.Settings), w.Layers, local);
        Assert.True(traffic.WindowPasses > 0, "the high floors should have put a threshold under the merged floor");
        ExactResults.Equal(w.Single, layers);
    }

    [Fact]
    public async Task Floors_scaled_to_the_shards_share_need_no_window_pass()
    {
        var ranges = ShardRange.Split(w.Dataset.Images.Count, w.Settings.BatchSize, 4);
        using var local = new LocalShards(ranges, r => DissectionRun.OpenShard(w.Model, w.Dataset, w.Layers, w.Settings, r, w.Cache), 6);
        var (layers, traffic) = await ShardedDissection.RunAsync(DissectionRun.ShardScope(w.Dataset, w.Settings), w.Layers, local);
        Assert.Equal(0, traffic.WindowPasses);
        ExactResults.Equal(w.Single, layers);
    }

    [Fact]
    public void Ranges_are_whole_batches_in_order_and_cover_every_image()
    {
        var ranges = ShardRange.Split(30, 4, 3);
        Assert.Equal([new ShardRange(0, 12), new ShardRange(12, 12), new ShardRange(24, 6)], ranges);
        Assert.Equal([new ShardRange(0, 5)], ShardRange.Split(5, 8, 4));
        Assert.Throws<ArgumentException>(() => ShardRange.Split(5, 0, 2));
    }

    [Fact]
    public async Task Sharded_generator_dissection_equals_the_single_process_run()
    {
        using var tmp = new TempDir();
        using var g = GanFixture.Generator();
        using var seg = GanFixture.Segmenter();
        GanSamples.Materialize(g, "proggan:tiny.pth", seg, seed: 11, count: 24, tmp.File("samples"));
        var samples = ConceptDataset.Open(tmp.File("samples"));
        using var z = ZDataset.FromSeed(8, 11, 24);
        var settings = new DissectionSettings { BatchSize = 5, TopK = 3 };
        string[] layers = ["layer2", "layer3"];
        var single = GeneratorDissection.Execute(g, samples, z, layers, settings, cacheRoot: tmp.Path);

        var ranges = ShardRange.Split(24, settings.BatchSize, 3);
        // Each worker makes its own latents from the seed, as a silo does.
        using var local = new LocalShards(ranges, r => GeneratorDissection.OpenShard(g, samples, ZDataset.FromSeed(8, 11, 24), layers, settings, r, tmp.Path),
            seed: 9, loseWorkers: true);
        var (sharded, _) = await ShardedDissection.RunAsync(GeneratorDissection.ShardScope(samples, settings), layers, local);
        ExactResults.Equal(single, sharded);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public async Task Ablation_split_into_shards_of_units_equals_the_single_process_run(int shards)
    {
        // Small stacks (2 sets per tail pass), so that 5 shards really cut the 6 single-unit sets.
        var settings = new AblationSettings { BatchSize = 8, RandomDraws = 3, ImportantCount = 2, StackBytes = 2 * 8 * 6 * 8 * 8 * 4 };
        var single = AblationRunner.Run(w.Model, w.Dataset, "relu1", settings);
        var local = new LocalAblationShards(shards, () => AblationSession.Open(w.Model, w.Dataset, "relu1", settings));
        var sets = await ShardedUnitSets.OpenAsync(local);
        Assert.Equal(2, sets.StackSize);
        var sharded = AblationRunner.Run(sets, settings);
        ExactResults.Equal(single, sharded);
        Assert.True(single.Labelled);
        Assert.True(single.Curves.Count > 0 && single.Random.Count > 0, "the comparison should cover the group curves and random sets");
    }

    private sealed class LocalAblationShards(int count, Func<AblationSession> open) : IAblationShards
    {
        public int Count => count;

        public Task<byte[]> EvaluateAsync(int shard, byte[] request, CancellationToken cancel) => Task.Run(() =>
        {
            lock (this)
            {
                // A fresh session per call, as a worker on another silo would have.
                using var session = open();
                return AblationShard.Evaluate(session, request, null, cancel);
            }
        }, cancel);
    }
}
