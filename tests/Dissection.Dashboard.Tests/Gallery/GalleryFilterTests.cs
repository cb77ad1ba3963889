// Filters and sort orders of the unit gallery, checked against hand-picked units.
using Dissection.Dashboard.Gallery;

namespace Dissection.Dashboard.Tests.Gallery;

public class GalleryFilterTests
{
    private static readonly GalleryUnit[] Units =
    [
        new(0, "tree", "object", 0.12, 1f, true, 12),
        new(1, "sky", "scene", 0.30, 1f, true, 12),
        new(2, "tree", "object", 0.20, 1f, true, 12),
        new(3, "wheel", "part", 0.02, 1f, false, 12),
        new(4, null, null, 0, 1f, false, 0),
        new(5, "street", "scene", 0.12, 1f, true, 12),
    ];

    private static int[] Numbers(GalleryQuery q) => GalleryFilter.Apply(Units, q).Select(u => u.Unit).ToArray();

    [Fact]
    public void Default_shows_every_unit_in_unit_order() => Assert.Equal([0, 1, 2, 3, 4, 5], Numbers(GalleryQuery.Default));

    [Fact]
    public void Iou_sort_is_descending_with_ties_in_unit_order() =>
        Assert.Equal([1, 2, 0, 5, 3, 4], Numbers(new GalleryQuery(GallerySort.Iou)));

    [Fact]
    public void Concept_sort_is_alphabetical_then_best_iou_and_unlabelled_last() =>
        Assert.Equal([1, 5, 2, 0, 3, 4], Numbers(new GalleryQuery(GallerySort.Concept)));

    [Fact]
    public void Category_filter_ignores_case() => Assert.Equal([1, 5], Numbers(new GalleryQuery(Category: "Scene")));

    [Fact]
    public void Concept_filter_is_exact() => Assert.Equal([0, 2], Numbers(new GalleryQuery(Concept: "tree")));

    [Fact]
    public void Min_iou_keeps_units_at_or_above() => Assert.Equal([0, 1, 2, 5], Numbers(new GalleryQuery(MinIou: 0.12)));

    [Fact]
    public void Search_matches_part_of_a_concept_name() => Assert.Equal([0, 2, 5], Numbers(new GalleryQuery(Search: "RE")));

    [Fact]
    public void Filters_combine() =>
        Assert.Equal([2, 0], Numbers(new GalleryQuery(GallerySort.Iou, "object", null, 0.1, "tr")));

    [Fact]
    public void Nothing_matches_gives_an_empty_list() => Assert.Empty(Numbers(new GalleryQuery(Concept: "dog")));

    // Reliability: 0 strong (lift 12), 1 unstable, 2 weak (lift 1.2), 5 strong (lift 30), 3 not measured, 4 no label.
    private static readonly GalleryUnit[] Measured =
    [
        Units[0] with { Reliability = new(0.12, 0.12, "tree", "tree", true, 0.01, 12) },
        Units[1] with { Reliability = new(0.3, 0.1, "sky", "street", false, 0.01, 30) },
        Units[2] with { Reliability = new(0.2, 0.2, "tree", "tree", true, 0.166, 1.2) },
        Units[3],
        Units[4],
        Units[5] with { Reliability = new(0.12, 0.12, "street", "street", true, 0.004, 30) },
    ];

    private static int[] MeasuredNumbers(GalleryQuery q) => GalleryFilter.Apply(Measured, q).Select(u => u.Unit).ToArray();

    [Fact]
    public void Trust_filter_keeps_the_units_with_that_verdict()
    {
        Assert.Equal([0, 5], MeasuredNumbers(new GalleryQuery(Trust: GalleryTrust.Strong)));
        Assert.Equal([2], MeasuredNumbers(new GalleryQuery(Trust: GalleryTrust.Weak)));
        Assert.Equal([1], MeasuredNumbers(new GalleryQuery(Trust: GalleryTrust.Unstable)));
        Assert.Equal([3], MeasuredNumbers(new GalleryQuery(Trust: GalleryTrust.NotMeasured)));  // unit 4 has no label at all
    }

    [Fact]
    public void Lift_sort_is_descending_with_unmeasured_units_last() =>
        Assert.Equal([1, 5, 0, 2, 3, 4], MeasuredNumbers(new GalleryQuery(GallerySort.Lift)));
}
