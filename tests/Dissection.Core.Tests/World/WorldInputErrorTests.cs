// Bad options fail with a clear message, and an interrupted generation leaves no index.csv behind.
using Dissection.Core.World;

namespace Dissection.Core.Tests.World;

public class WorldInputErrorTests
{
    [Theory]
    [InlineData(0, 64, "count")]
    [InlineData(-5, 64, "count")]
    [InlineData(10, -128, "size")]
    [InlineData(10, 99, "size")]
    public void Bad_options_are_rejected(int count, int size, string word)
    {
        using var tmp = new TempDir();
        var e = Assert.Throws<ArgumentException>(() => WorldGenerator.Generate(new WorldOptions(tmp.File("w"), count, size)));
        Assert.Contains(word, e.Message);
        Assert.False(Directory.Exists(tmp.File("w")));
    }

    [Fact]
    public void Unwritable_folder_is_reported_by_name()
    {
        using var tmp = new TempDir();
        var file = tmp.File("a-file");
        File.WriteAllText(file, "not a folder");
        var e = Assert.Throws<IOException>(() => WorldGenerator.Generate(new WorldOptions(System.IO.Path.Combine(file, "world"), 4, 64)));
        Assert.Contains("a-file", e.Message);
    }

    [Fact]
    public void Cancelled_generation_leaves_no_index_even_over_an_old_world()
    {
        using var tmp = new TempDir();
        var root = tmp.File("w");
        WorldGenerator.Generate(new WorldOptions(root, 4, 64));
        Assert.True(File.Exists(System.IO.Path.Combine(root, "index.csv")));

        using var cts = new CancellationTokenSource();
        var progress = new Inline(p => { if (p.Done >= 50) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => WorldGenerator.Generate(new WorldOptions(root, 2000, 64), progress, cts.Token));
        Assert.False(File.Exists(System.IO.Path.Combine(root, "index.csv")));
        Assert.True(Directory.GetFiles(System.IO.Path.Combine(root, "images"), "*.jpg").Length < 2000);
    }

    private sealed class Inline(Action<(int Done, int Total)> a) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value) => a(value);
    }
}
