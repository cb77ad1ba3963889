// Shared test helpers for the results store: a database file in a fresh temp folder, and hand-built layer results.
using Dissection.Core.Dissection;
using Dissection.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Dissection.Core.Tests.Storage;

/// <summary>A temp folder holding one results database; deleted (with the store's pooled connections) on dispose.</summary>
internal sealed class TempDatabase : IDisposable
{
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "dissection-store-" + Guid.NewGuid().ToString("N"));
    public string DbPath => Path.Combine(Folder, "results.db");
    private readonly List<ResultsStore> _opened = [];

    public TempDatabase() => Directory.CreateDirectory(Folder);

    public ResultsStore Open()
    {
        var store = ResultsStore.Open(DbPath);
        _opened.Add(store);
        return store;
    }

    /// <summary>A raw, unpooled connection for looking under the store's API.</summary>
    public SqliteConnection Raw()
    {
        var c = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        c.Open();
        return c;
    }

    public long Scalar(string sql)
    {
        using var c = Raw();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar());
    }

    public void Dispose()
    {
        foreach (var s in _opened) s.Dispose();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

internal static class SampleResults
{
    public static readonly string[] Categories = ["object", "part", "material", "color"];

    /// <summary>A unit with deterministic pseudo-random scores, maps and histogram; labelled unless told otherwise.</summary>
    public static UnitResult Unit(int unit, int seed, bool labelled = true, int topImages = 3, int mapH = 4, int mapW = 5,
        float? threshold = null)
    {
        var rng = new Random(seed * 7919 + unit);
        var concepts = Enumerable.Range(0, 4)
            .Select(i => new ConceptScore(10 + rng.Next(100), $"concept{rng.Next(20)}", Categories[rng.Next(Categories.Length)], rng.NextDouble() * 0.3))
            .OrderByDescending(k => k.Iou).ToList();
        var best = concepts.GroupBy(k => k.Category).Select(g => g.First()).ToList();
        var images = Enumerable.Range(0, topImages).Select(r =>
        {
            var map = new float[mapH * mapW];
            for (var i = 0; i < map.Length; i++) map[i] = (float)(rng.NextDouble() * 10 - 2);
            return new TopImage(rng.Next(1000), $"images/ade20k/img_{rng.Next(100000):D6}.jpg", 20f - r * 1.5f - (float)rng.NextDouble(), mapH, mapW, map);
        }).ToList();
        var hist = new ActivationHistogram(-1.5f, 9.25f, Enumerable.Range(0, 8).Select(_ => (long)rng.Next(1_000_000) * 4096).ToArray());
        // Every second labelled unit has its reliability measured (the others are as if stored before it was); every
        // third of those has a different best concept on the odd half (unstable).
        var stable = unit % 3 != 0;
        var reliability = labelled && unit % 2 == 0
            ? new LabelReliability(rng.NextDouble() * 0.3, rng.NextDouble() * 0.3, concepts[0].Name, stable ? concepts[0].Name : "other",
                stable, rng.NextDouble() * 0.01, rng.NextDouble() * 20)
            : null;
        return new UnitResult(unit, threshold ?? (float)rng.NextDouble() * 5, labelled ? concepts[0] : null, concepts, best, images, hist)
        {
            Reliability = reliability,
        };
    }

    public static LayerResult Layer(string name, int units, int seed, int mapH = 4, int mapW = 5) =>
        new(name, [units, mapH, mapW], Enumerable.Range(0, units).Select(u => Unit(u, seed, labelled: u % 4 != 3, mapH: mapH, mapW: mapW)).ToList(),
            Images: 200 + seed, Elapsed: TimeSpan.FromSeconds(12.5 + seed));

    public static long CreateRun(ResultsStore store, string name = "test run", DissectionSettings? settings = null, params string[] layers) =>
        store.Runs.CreateRun(name, "world-vgg", "data/world", layers.Length == 0 ? ["conv1", "conv2"] : layers, settings ?? new DissectionSettings());

    public static void AssertSameLayer(LayerResult expected, LayerResult? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Layer, actual.Layer);
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.Images, actual.Images);
        Assert.Equal(expected.Elapsed.TotalSeconds, actual.Elapsed.TotalSeconds, 6);
        Assert.Equal(expected.Units.Count, actual.Units.Count);
        foreach (var (e, a) in expected.Units.OrderBy(u => u.Unit).Zip(actual.Units)) AssertSameUnit(e, a);
    }

    public static void AssertSameUnit(UnitResult expected, UnitResult? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Unit, actual.Unit);
        Assert.Equal(BitConverter.SingleToInt32Bits(expected.Threshold), BitConverter.SingleToInt32Bits(actual.Threshold));
        Assert.Equal(expected.Label, actual.Label);  // records of scalars: exact equality, IoU doubles included
        Assert.Equal(expected.Reliability, actual.Reliability);
        Assert.Equal(expected.TopConcepts, actual.TopConcepts);
        Assert.Equal(expected.BestPerCategory, actual.BestPerCategory);
        Assert.Equal(expected.Histogram.Min, actual.Histogram.Min);
        Assert.Equal(expected.Histogram.Max, actual.Histogram.Max);
        Assert.Equal(expected.Histogram.Counts, actual.Histogram.Counts);
        Assert.Equal(expected.TopImages.Count, actual.TopImages.Count);
        foreach (var (e, a) in expected.TopImages.Zip(actual.TopImages)) AssertSameTopImage(e, a);
    }

    public static void AssertSameTopImage(TopImage expected, TopImage? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.ImageIndex, actual.ImageIndex);
        Assert.Equal(expected.Path, actual.Path);
        Assert.Equal(BitConverter.SingleToInt32Bits(expected.Activation), BitConverter.SingleToInt32Bits(actual.Activation));
        Assert.Equal(expected.MapHeight, actual.MapHeight);
        Assert.Equal(expected.MapWidth, actual.MapWidth);
        Assert.Equal(expected.Map.Select(BitConverter.SingleToInt32Bits), actual.Map.Select(BitConverter.SingleToInt32Bits));
    }
}
