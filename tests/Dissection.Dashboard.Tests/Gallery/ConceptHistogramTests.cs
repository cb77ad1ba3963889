// The concept histogram and per-category counts that the layer and run charts draw.
using Dissection.Dashboard.Gallery;

namespace Dissection.Dashboard.Tests.Gallery;

public class ConceptHistogramTests
{
    private static readonly GalleryUnit[] Units =
    [
        new(0, "tree", "object", 0.12, 1f, true, 12),
        new(1, "sky", "scene", 0.30, 1f, true, 12),
        new(2, "tree", "object", 0.20, 1f, true, 12),
        new(3, "wheel", "part", 0.02, 1f, false, 12), // not a detector: not counted
        new(4, null, null, 0, 1f, false, 0),
        new(5, "grass", "material", 0.05, 1f, true, 12),
        new(6, "sky", "scene", 0.09, 1f, true, 12),
        new(7, "sky", "scene", 0.11, 1f, true, 12),
    ];

    [Fact]
    public void Counts_detectors_per_concept_most_first_then_by_name()
    {
        var counts = ConceptHistogram.Count(Units);
        Assert.Equal(["sky", "tree", "grass"], counts.Select(c => c.Concept));
        Assert.Equal([3, 2, 1], counts.Select(c => c.Units));
    }

    [Fact]
    public void Bars_take_their_category_colour()
    {
        var counts = ConceptHistogram.Count(Units);
        Assert.All(counts, c => Assert.Equal(CategoryPalette.ColorOf(c.Category), c.Color));
        Assert.Equal(3, counts.Select(c => c.Color).Distinct().Count());
    }

    [Fact]
    public void Per_category_counts_add_up_to_the_detectors()
    {
        var c = ConceptHistogram.PerCategory("layer4", Units);
        Assert.Equal(8, c.Units);
        Assert.Equal(6, c.Detectors);
        Assert.Equal(3, c.DetectorsPerCategory["scene"]);
        Assert.Equal(2, c.DetectorsPerCategory["object"]);
        Assert.Equal(1, c.DetectorsPerCategory["material"]);
        Assert.False(c.DetectorsPerCategory.ContainsKey("part"));
        Assert.Equal(3, c.UniqueConcepts);
    }

    [Fact]
    public void Every_category_has_its_own_colour_and_unknown_is_grey()
    {
        var colours = CategoryPalette.Order.Select(CategoryPalette.ColorOf).ToList();
        Assert.Equal(colours.Count, colours.Distinct().Count());
        Assert.Equal(CategoryPalette.Unknown, CategoryPalette.ColorOf("smell"));
        Assert.Equal(CategoryPalette.ColorOf("object"), CategoryPalette.ColorOf("Object"));
    }

    [Fact]
    public void Categories_sort_in_the_paper_order_then_alphabetically() =>
        Assert.Equal(["scene", "object", "part", "zeta"], CategoryPalette.Sort(["zeta", "part", "object", "scene", "part"]));
}
