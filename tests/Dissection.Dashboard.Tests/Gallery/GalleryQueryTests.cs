// The gallery's permalink: every view state survives a round trip through the query string.
using Dissection.Dashboard.Gallery;

namespace Dissection.Dashboard.Tests.Gallery;

public class GalleryQueryTests
{
    public static TheoryData<GalleryQuery> Queries => new()
    {
        GalleryQuery.Default,
        new GalleryQuery(GallerySort.Iou),
        new GalleryQuery(GallerySort.Concept, "object", "tree", 0.04, "tre"),
        new GalleryQuery(Category: "part", MinIou: 0.125),
        new GalleryQuery(Concept: "sky & sea/2", Search: "a b?c=d"),
        new GalleryQuery(GallerySort.Lift, Trust: GalleryTrust.Strong),
        new GalleryQuery(Trust: GalleryTrust.NotMeasured),
    };

    [Theory]
    [InlineData("?sort=lift&trust=strong", GallerySort.Lift, GalleryTrust.Strong)]
    [InlineData("?trust=UNSTABLE", GallerySort.Unit, GalleryTrust.Unstable)]
    [InlineData("?trust=unmeasured", GallerySort.Unit, GalleryTrust.NotMeasured)]
    [InlineData("?trust=bogus", GallerySort.Unit, null)]
    public void Parse_reads_the_trust_filter_and_lift_sort(string link, GallerySort sort, GalleryTrust? trust)
    {
        var q = GalleryQuery.Parse(link);
        Assert.Equal((sort, trust), (q.Sort, q.Trust));
    }

    [Theory, MemberData(nameof(Queries))]
    public void Query_string_round_trips(GalleryQuery query)
    {
        var text = query.ToQueryString();
        Assert.Equal(query, GalleryQuery.Parse(text));
    }

    [Fact]
    public void Default_view_has_an_empty_query_string() => Assert.Equal("", GalleryQuery.Default.ToQueryString());

    [Fact]
    public void Query_string_uses_the_documented_short_names()
    {
        var q = new GalleryQuery(GallerySort.Iou, "object", "tree", 0.04, "tre");
        Assert.Equal("?sort=iou&cat=object&concept=tree&min=0.04&q=tre", q.ToQueryString());
    }

    [Fact]
    public void Parse_reads_a_pasted_link()
    {
        var q = GalleryQuery.Parse("?sort=iou&cat=object&concept=tree&min=0.04&q=tre");
        Assert.Equal(new GalleryQuery(GallerySort.Iou, "object", "tree", 0.04, "tre"), q);
    }

    [Theory]
    [InlineData("?sort=bogus&min=abc", GallerySort.Unit, null)]
    [InlineData("?sort=IOU&min=-1", GallerySort.Iou, null)]
    [InlineData("?sort=label&min=NaN", GallerySort.Concept, null)]
    [InlineData("?min=0.5", GallerySort.Unit, 0.5)]
    public void Malformed_values_fall_back_to_defaults(string text, GallerySort sort, double? min)
    {
        var q = GalleryQuery.Parse(text);
        Assert.Equal(sort, q.Sort);
        Assert.Equal(min, q.MinIou);
    }

    [Fact]
    public void Blank_filters_are_no_filters()
    {
        var q = GalleryQuery.From(null, "  ", "", null, " ");
        Assert.Equal(GalleryQuery.Default, q);
    }

    [Fact]
    public void Parameters_remove_defaults_from_the_url()
    {
        var p = new GalleryQuery(Concept: "tree").ToParameters();
        Assert.Null(p["sort"]);
        Assert.Null(p["cat"]);
        Assert.Equal("tree", p["concept"]);
    }
}
