// The small computations behind the ablation pages: unit lists in permalinks, importance counts and bins, links.
using Dissection.Core.Ablation;
using Dissection.Core.Dissection;
using Dissection.Core.Storage;
using Dissection.Dashboard.Ablation;

namespace Dissection.Dashboard.Tests.Services;

public sealed class AblationViewsTests
{
    [Fact]
    public void Unit_lists_in_links_drop_junk_duplicates_and_out_of_range_units()
    {
        Assert.Equal([1, 5, 9], AblationViews.ParseUnits("9, 5,x,1,5,-3,512", 512));
        Assert.Empty(AblationViews.ParseUnits(null, 10));
        Assert.Equal("1,5,9", AblationViews.FormatUnits([9, 1, 5]));
        Assert.Equal("/runs/3/layers/features.conv5_2/ablate?units=1,5", AblationLinks.Playground(3, "features.conv5_2", [5, 1]));
        Assert.Equal("/runs/3/classes/living%20room?layer=conv5", AblationLinks.Class(3, "living room", "conv5"));
    }

    [Fact]
    public void Importance_counts_how_many_classes_list_a_unit_and_bins_like_the_paper()
    {
        var m = new ClassMetrics([1], [1], 1, 1);
        var importance = Enumerable.Range(0, 9).Select(c => new ClassImportance(c, $"c{c}", 1,
            [new UnitDrop(0, 0.1), new UnitDrop(c % 2 + 1, 0.05)])).ToList();
        var a = new AblationResult("conv5", true, "val", 10, "split", "", importance.Select(k => k.Name).ToList(), m, [], importance, []);
        var summaries = Enumerable.Range(0, 4).Select(u => new UnitSummary("conv5", u, 1f,
            u == 1 ? new ConceptScore(1, "tree", "object", 0.2) : null, [], [])).ToList();
        var counts = AblationViews.ImportanceCounts(a, summaries);
        Assert.Equal([9, 5, 4, 0], counts.Select(c => c.Classes));
        Assert.Equal(0.2, counts[1].Iou);
        Assert.Equal("tree", counts[1].Label);
        Assert.Equal(["7+", "5", "4", "0"], counts.Select(c => AblationViews.Bin(c.Classes)));
    }
}
