// The page kinds' links, built and read in one place (CompareLink, TryLink, AttackLink): every state survives
// build → parse unchanged, awkward text (spaces, '&', '/', ':' in a layer) included; numbers that do not read are
// dropped and named; and Links.Shows tells which run a stored link shows, for deleting a run's short links.
using Dissection.Dashboard.Gallery;
using Dissection.Dashboard.Services;

namespace Dissection.Dashboard.Tests.Services;

public sealed class PageLinkTests
{
    public static TheoryData<TryState> TryStates => new()
    {
        new TryState(),
        new TryState(Run: 3),
        new TryState(3, "features.conv5_2", Sample: "chelsea.jpg"),
        new TryState(12, "layer 4 & more/odd?", Image: 0),
        new TryState(1, "conv5", Upload: "0123456789abcdef"),
        new TryState(long.MaxValue, "a=b", "my photo #1.jpg", int.MaxValue, "x"),
    };

    [Theory]
    [MemberData(nameof(TryStates))]
    public void A_try_state_survives_build_and_parse(TryState state)
    {
        var url = TryLink.Build(state);
        Assert.StartsWith("/try", url);
        var (parsed, notice) = TryLink.Parse(url);
        Assert.Equal(state, parsed);
        Assert.Null(notice);
        Assert.Equal(state, TryLink.Parse("http://127.0.0.1:5000" + url).State);   // a whole URL reads the same
    }

    public static TheoryData<AttackState> AttackStates => new()
    {
        new AttackState(),
        new AttackState(Run: 7),
        new AttackState(7, "features.conv5_2", "bedroom", "linf", "4/255", 20, 0, 5, "1"),
        new AttackState(2, "layer4", "living room", "l2", "0.5", 0, long.MaxValue, null, null),
        new AttackState(2, "a&b", "c d", null, "3", null, 42, 0),
    };

    [Theory]
    [MemberData(nameof(AttackStates))]
    public void An_attack_state_survives_build_and_parse(AttackState state)
    {
        var url = AttackLink.Build(state);
        Assert.StartsWith("/attack", url);
        var (parsed, notice) = AttackLink.Parse(url);
        Assert.Equal(state, parsed);
        Assert.Null(notice);
    }

    [Theory]
    [InlineData(1L, "conv3", 1L, "conv5", "/compare?a=1:conv3&b=1:conv5")]
    [InlineData(3L, "layer4.2", 12L, "features.conv5_2", "/compare?a=3:layer4.2&b=12:features.conv5_2")]
    [InlineData(4L, "odd: name & more", 5L, "x/y", null)]
    public void A_comparison_survives_build_and_parse(long runA, string layerA, long runB, string layerB, string? expected)
    {
        var (a, b) = (new LayerRef(runA, layerA), new LayerRef(runB, layerB));
        var url = CompareLink.Build(a, b);
        if (expected is not null) Assert.Equal(expected, url);   // the form links and tests have always used
        var (ta, tb) = CompareLink.Parse(url);
        Assert.True(LayerRef.TryParse(ta, out var pa, out _));
        Assert.True(LayerRef.TryParse(tb, out var pb, out _));
        Assert.Equal((a, b), (pa, pb));
        Assert.Equal([runA, runB], CompareLink.Runs(url));
        Assert.Equal((a.ToString(), (string?)null), CompareLink.Parse(CompareLink.Build(a)));
    }

    [Fact]
    public void A_side_that_does_not_read_is_kept_as_the_link_had_it()
    {
        var url = CompareLink.Build("abc", "2:conv5");
        Assert.Equal(("abc", "2:conv5"), CompareLink.Parse(url));
        Assert.Equal([2L], CompareLink.Runs(url));
    }

    [Fact]
    public void Numbers_that_do_not_read_are_dropped_and_named()
    {
        var (t, tn) = TryLink.Parse("/try?run=5&image=99999999999&sample=x.jpg");
        Assert.Equal(new TryState(5, null, "x.jpg"), t);
        Assert.Contains("'image' (99999999999)", tn);
        var (a, an) = AttackLink.Parse("/attack?run=abc&seed=abc&steps=4");
        Assert.Equal(new AttackState(Steps: 4), a);
        Assert.Contains("'run' (abc)", an);
        Assert.Contains("'seed' (abc)", an);
    }

    [Theory]
    [InlineData("/runs/7", true)]
    [InlineData("/runs/7/layers/conv5/units/3?x=1", true)]
    [InlineData("/api/runs/7/export.json", true)]
    [InlineData("/runs/70/layers/conv5", false)]
    [InlineData("/try?run=7&layer=conv5&sample=a.jpg", true)]
    [InlineData("/try?run=8", false)]
    [InlineData("/attack?layer=conv5&run=7", true)]
    [InlineData("/compare?a=3:conv5&b=7:conv5", true)]
    [InlineData("/compare?a=3:conv5&b=3:conv7", false)]
    [InlineData("/gan/world-gan?seed=7&layer=layer4", false)]
    public void A_stored_link_shows_the_run_it_names(string target, bool shows) => Assert.Equal(shows, Links.Shows(target, 7));
}
