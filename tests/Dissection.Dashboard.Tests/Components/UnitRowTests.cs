// A gallery row shows what a reader scans for: unit number, label, category, IoU, and the top-image strip.
using Dissection.Dashboard.Components.Shared;
using Dissection.Dashboard.Gallery;
using MudBlazor.Services;

namespace Dissection.Dashboard.Tests.Components;

public class UnitRowTests
{
    private static async Task<(BunitContext, IRenderedComponent<UnitRow>)> Render(GalleryUnit unit, string layer = "layer4.1", string query = "")
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        var cut = ctx.Render<UnitRow>(p => p
            .Add(x => x.Run, 7)
            .Add(x => x.Layer, layer)
            .Add(x => x.Unit, unit)
            .Add(x => x.Query, query));
        await Task.CompletedTask;
        return (ctx, cut);
    }

    [Fact]
    public async Task Shows_number_label_category_and_iou()
    {
        var (ctx, cut) = await Render(new GalleryUnit(42, "tree", "object", 0.1234, 1f, true, 12));
        await using var _ = ctx;
        Assert.Contains("unit 42", cut.Find(".dd-unit-num").TextContent);
        Assert.Equal("tree", cut.Find(".dd-unit-label").TextContent.Trim());
        var chip = cut.Find(".dd-cat");
        Assert.Equal("object", chip.TextContent);
        Assert.Contains(CategoryPalette.ColorOf("object"), chip.GetAttribute("style"));
        Assert.Contains("IoU 0.123", cut.Find(".dd-unit-iou").TextContent);
    }

    [Fact]
    public async Task Strip_image_loads_lazily_from_the_strip_endpoint()
    {
        var (ctx, cut) = await Render(new GalleryUnit(3, "sky", "scene", 0.3, 1f, true, 12), layer: "features.28");
        await using var _ = ctx;
        var img = cut.Find("img.dd-strip");
        Assert.Equal("lazy", img.GetAttribute("loading"));
        Assert.Equal("/api/runs/7/layers/features.28/units/3/strip.png?size=96&count=8", img.GetAttribute("src"));
        // Width and height are set so the virtualised list keeps its geometry before the image arrives.
        Assert.Equal("96", img.GetAttribute("height"));
        Assert.Equal((8 * 96 + 7 * 2).ToString(), img.GetAttribute("width"));
    }

    [Fact]
    public async Task Link_to_the_unit_page_carries_the_gallery_state()
    {
        var (ctx, cut) = await Render(new GalleryUnit(3, "sky", "scene", 0.3, 1f, true, 12), query: "?concept=sky");
        await using var _ = ctx;
        Assert.All(cut.FindAll("a"), a => Assert.Equal("/runs/7/layers/layer4.1/units/3?concept=sky", a.GetAttribute("href")));
    }

    [Fact]
    public async Task Unlabelled_unit_without_images_says_so()
    {
        var (ctx, cut) = await Render(new GalleryUnit(9, null, null, 0, 0f, false, 0));
        await using var _ = ctx;
        Assert.Equal("no label", cut.Find(".dd-unit-label").TextContent.Trim());
        Assert.Empty(cut.FindAll("img"));
        Assert.Empty(cut.FindAll(".dd-cat"));
        Assert.Contains("dd-weak", cut.Find(".dd-unit-info").ClassName);
    }

    [Fact]
    public async Task Layer_names_are_escaped_in_links()
    {
        var (ctx, cut) = await Render(new GalleryUnit(1, "sky", "scene", 0.3, 1f, true, 3), layer: "block 1/conv");
        await using var _ = ctx;
        Assert.StartsWith("/api/runs/7/layers/block%201%2Fconv/units/1/strip.png", cut.Find("img").GetAttribute("src"));
        Assert.Equal((3 * 96 + 2 * 2).ToString(), cut.Find("img").GetAttribute("width"));
    }
}
