// Short links in a real SQLite file: a target gets a short id that reads back exactly, the same target keeps its id
// (also after reopening), other targets get other ids, and unknown, malformed or foreign targets are refused.
using Dissection.Core.Storage;

namespace Dissection.Core.Tests.Storage;

public sealed class ShortLinkStoreTests : IDisposable
{
    private readonly TempDatabase _db = new();
    public void Dispose() => _db.Dispose();

    [Fact]
    public void A_long_target_reads_back_exactly_under_a_short_stable_id()
    {
        var target = "/gan/world-gan?seed=7&layer=layer4&strokes=" + string.Concat(Enumerable.Range(0, 900).Select(i => (char)('A' + i % 26))) + ".x_-ü";
        string id;
        using (var store = ResultsStore.Open(_db.DbPath))
        {
            id = store.Links.SaveShortLink(target);
            Assert.Equal(LinkStore.ShortLinkIdLength, id.Length);
            Assert.All(id, c => Assert.True(char.IsAsciiLetterOrDigit(c)));
            Assert.Equal(target, store.Links.GetShortLink(id));
            Assert.Equal(id, store.Links.SaveShortLink(target));
            Assert.NotEqual(id, store.Links.SaveShortLink(target + "1"));
        }
        using (var reopened = ResultsStore.Open(_db.DbPath))
        {
            Assert.Equal(target, reopened.Links.GetShortLink(id));
            Assert.Equal(id, reopened.Links.SaveShortLink(target));
        }
    }

    [Fact]
    public void Many_targets_get_distinct_ids_that_each_read_back_their_own_target()
    {
        using var store = ResultsStore.Open(_db.DbPath);
        var targets = Enumerable.Range(0, 300).Select(i => $"/runs/1/layers/conv5?q={i}").ToList();
        var ids = targets.Select(store.Links.SaveShortLink).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        for (var i = 0; i < targets.Count; i++) Assert.Equal(targets[i], store.Links.GetShortLink(ids[i]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("nope123")]
    [InlineData("../etc")]
    [InlineData("a b")]
    public void Unknown_or_malformed_ids_have_no_target(string id)
    {
        using var store = ResultsStore.Open(_db.DbPath);
        Assert.Null(store.Links.GetShortLink(id));
    }

    [Theory]
    [InlineData("https://example.com/")]
    [InlineData("//example.com/x")]
    [InlineData("/\\example.com/x")]
    [InlineData("/runs/1\n")]
    [InlineData("runs/1")]
    public void Only_paths_on_this_dashboard_are_stored(string target)
    {
        using var store = ResultsStore.Open(_db.DbPath);
        Assert.Throws<ArgumentException>(() => store.Links.SaveShortLink(target));
        Assert.Throws<ArgumentException>(() => store.Links.SaveShortLink("/" + new string('a', LinkStore.MaxShortLinkTarget)));
    }
}
