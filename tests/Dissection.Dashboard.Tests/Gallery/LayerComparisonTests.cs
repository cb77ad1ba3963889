// The comparison behind /compare, checked against a brute-force count over hand-made units, and the RUN:LAYER syntax.
using Dissection.Dashboard.Gallery;

namespace Dissection.Dashboard.Tests.Gallery;

public class LayerComparisonTests
{
    private static GalleryUnit U(int unit, string? concept, string? category, double iou, double cutoff = 0.04) =>
        new(unit, concept, category, iou, 1f, concept is not null && iou > cutoff, 8);

    private static readonly GalleryUnit[] A =
    [
        U(0, "red", "color", 0.2), U(1, "red", "color", 0.1), U(2, "grass", "material", 0.09), U(3, "sky", "object", 0.3),
        U(4, "tree", "object", 0.02), // not a detector: below the cut-off, so it counts nowhere
        U(5, null, null, 0),
        U(6, "wood", "material", 0.05),
    ];

    private static readonly GalleryUnit[] B =
    [
        U(0, "sky", "object", 0.3), U(1, "sky", "object", 0.2), U(2, "tree", "object", 0.25), U(3, "red", "color", 0.06),
        U(4, "wheel", "part", 0.1), U(5, "grass", "material", 0.01),
        // The same name in another category is another concept.
        U(6, "wood", "object", 0.2),
    ];

    [Fact]
    public void Counts_deltas_and_one_sided_concepts_match_a_brute_force_count()
    {
        var c = LayerComparison.Compare(A, B);
        Dictionary<(string, string), int> Count(IEnumerable<GalleryUnit> units) => units.Where(u => u.IsDetector)
            .GroupBy(u => (u.Concept!, u.Category!)).ToDictionary(g => g.Key, g => g.Count());
        var (ca, cb) = (Count(A), Count(B));
        foreach (var key in ca.Keys.Union(cb.Keys))
        {
            var d = Assert.Single(c.Deltas, d => (d.Concept, d.Category) == key);
            Assert.Equal(ca.GetValueOrDefault(key), d.UnitsA);
            Assert.Equal(cb.GetValueOrDefault(key), d.UnitsB);
            Assert.Equal(d.UnitsB - d.UnitsA, d.Delta);
        }
        Assert.Equal(ca.Count + cb.Keys.Count(k => !ca.ContainsKey(k)), c.Deltas.Count);
        // Largest growth first, largest loss last.
        Assert.Equal(c.Deltas.Select(d => d.Delta).OrderByDescending(x => x), c.Deltas.Select(d => d.Delta));
        Assert.Equal(("sky", 1, 2), (c.Deltas[0].Concept, c.Deltas[0].UnitsA, c.Deltas[0].UnitsB));

        Assert.Equal(["grass", "wood"], c.OnlyInA.Select(x => x.Concept).Order());
        Assert.Equal("material", c.OnlyInA.Single(x => x.Concept == "wood").Category);
        Assert.Equal(["tree", "wheel", "wood"], c.OnlyInB.Select(x => x.Concept).Order());
        Assert.Equal((7, 7, 5, 6), (c.UnitsA, c.UnitsB, c.DetectorsA, c.DetectorsB));

        // Categories in the palette's order, zero where a side has none.
        Assert.Equal(["object", "part", "material", "color"], c.Categories.Select(x => x.Category));
        Assert.Equal([(1, 4), (0, 1), (2, 0), (2, 1)], c.Categories.Select(x => (x.UnitsA, x.UnitsB)));
    }

    [Fact]
    public void A_layer_compared_with_itself_has_no_change_and_nothing_one_sided()
    {
        var c = LayerComparison.Compare(A, A);
        Assert.All(c.Deltas, d => Assert.Equal(0, d.Delta));
        Assert.Empty(c.OnlyInA);
        Assert.Empty(c.OnlyInB);
    }

    [Fact]
    public void Layers_without_detectors_compare_to_empty_results()
    {
        var c = LayerComparison.Compare([U(0, null, null, 0)], []);
        Assert.Empty(c.Deltas);
        Assert.Empty(c.Categories);
        Assert.Equal((1, 0), (c.UnitsA, c.UnitsB));
    }

    [Theory]
    [InlineData("3:layer4.2", 3, "layer4.2")]
    [InlineData(" 12:features.conv5_3 ", 12, "features.conv5_3")]
    [InlineData("1:odd:name", 1, "odd:name")]
    public void Run_and_layer_parse_from_the_url(string text, long run, string layer)
    {
        Assert.True(LayerRef.TryParse(text, out var r, out var problem));
        Assert.Null(problem);
        Assert.Equal(new LayerRef(run, layer), r);
        Assert.Equal(text.Trim(), r!.ToString());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("conv5", "RUN:LAYER")]
    [InlineData("x:conv5", "not a run number")]
    [InlineData("-1:conv5", "not a run number")]
    [InlineData("0:conv5", "not a run number")]
    [InlineData("4:", "names no layer")]
    public void Malformed_references_say_what_is_wrong(string text, string expected)
    {
        Assert.False(LayerRef.TryParse(text, out var r, out var problem));
        Assert.Null(r);
        Assert.Contains(expected, problem);
    }
}
