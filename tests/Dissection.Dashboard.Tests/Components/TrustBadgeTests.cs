// The trust badge on a gallery row: strong / weak / unstable with a tooltip that says why, "not measured" for a unit of
// a run stored before reliability was measured, and nothing for a unit without a label.
using Dissection.Core.Dissection;
using Dissection.Dashboard.Components.Shared;
using Dissection.Dashboard.Gallery;
using MudBlazor.Services;

namespace Dissection.Dashboard.Tests.Components;

public class TrustBadgeTests
{
    private static IRenderedComponent<UnitRow> Row(BunitContext ctx, GalleryUnit unit)
    {
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        return ctx.Render<UnitRow>(p => p.Add(x => x.Run, 7).Add(x => x.Layer, "layer4.1").Add(x => x.Unit, unit));
    }

    private static GalleryUnit Tree(double iou, LabelReliability? q) => new(5, "tree", "object", iou, 1f, iou > 0.04, 3) { Reliability = q };

    [Fact]
    public async Task A_stable_label_well_above_chance_is_strong_and_says_why()
    {
        await using var ctx = new BunitContext();
        var badge = Row(ctx, Tree(0.21, new LabelReliability(0.2, 0.22, "tree", "tree", true, 0.01, 21))).Find(".dd-unit-num .dd-trust");
        Assert.Equal("strong", badge.TextContent);
        Assert.Equal("strong", badge.GetAttribute("data-trust"));
        Assert.Equal("tree is best on both halves (IoU 0.200 on half A of the images, 0.220 on half B); IoU 0.210 is 21× chance (0.010)",
            badge.GetAttribute("title"));
    }

    [Fact]
    public async Task A_label_near_chance_is_weak_and_the_tooltip_gives_the_multiple()
    {
        await using var ctx = new BunitContext();
        var badge = Row(ctx, Tree(0.05, new LabelReliability(0.05, 0.05, "tree", "tree", true, 0.0385, 0.05 / 0.0385))).Find(".dd-trust");
        Assert.Equal("weak", badge.TextContent);
        Assert.Equal("IoU 0.050 is only 1.3× chance (0.039); strong needs 5×", badge.GetAttribute("title"));
    }

    [Fact]
    public async Task A_low_iou_is_weak_even_when_stable()
    {
        await using var ctx = new BunitContext();
        var badge = Row(ctx, Tree(0.03, new LabelReliability(0.03, 0.03, "tree", "tree", true, 0.001, 30))).Find(".dd-trust");
        Assert.Equal("weak", badge.TextContent);
        Assert.StartsWith("IoU 0.030 is below 0.040", badge.GetAttribute("title"));
    }

    [Fact]
    public async Task Halves_that_disagree_make_it_unstable_whatever_the_iou()
    {
        await using var ctx = new BunitContext();
        var badge = Row(ctx, Tree(0.3, new LabelReliability(0.31, 0.12, "tree", "grass", false, 0.01, 30))).Find(".dd-trust");
        Assert.Equal("unstable", badge.TextContent);
        Assert.Equal("unstable", badge.GetAttribute("data-trust"));
        Assert.Equal("best concept differs between halves: tree vs grass (half A vs half B of the images)", badge.GetAttribute("title"));
    }

    [Fact]
    public async Task A_unit_stored_before_reliability_was_measured_says_not_measured()
    {
        await using var ctx = new BunitContext();
        var badge = Row(ctx, Tree(0.3, null)).Find(".dd-trust");
        Assert.Equal("not measured", badge.TextContent);
        Assert.Equal("unmeasured", badge.GetAttribute("data-trust"));
        Assert.Contains("dissect it again", badge.GetAttribute("title"));
    }

    [Fact]
    public async Task A_unit_without_a_label_has_no_badge()
    {
        await using var ctx = new BunitContext();
        Assert.Empty(Row(ctx, new GalleryUnit(9, null, null, 0, 0f, false, 0)).FindAll(".dd-trust"));
    }
}
