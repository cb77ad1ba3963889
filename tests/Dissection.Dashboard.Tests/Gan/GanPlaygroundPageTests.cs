// The GAN paint page in bUnit: the clear "no model yet" message with the training command, the controls and both
// pictures once a generator exists, bad links reported (never thrown), and a canvas stroke becoming an edit in the URL.
using Dissection.Dashboard.Components.Pages;
using Dissection.Core.Gan;
using Dissection.Dashboard.Gan;
using Dissection.Dashboard.Services;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Dissection.Dashboard.Tests.Gan;

public class GanPlaygroundPageTests
{
    // Generous: the first test to run also loads TorchSharp, and CI machines are shared.
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(180);

    private static BunitContext Context(GanTestFolder dir)
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddLogging();
        ctx.Services.AddSingleton(dir.Service);
        ctx.Services.AddScoped<GanPlaygroundSession>();
        // The real job queue behind the page's "dissect this generator" button (not started: nothing is queued here).
        ctx.Services.AddSingleton(dir.Paths);
        ctx.Services.AddSingleton(dir.Store);
        ctx.Services.AddSingleton<PathPolicy>();
        ctx.Services.AddSingleton<ThumbnailService>();
        ctx.Services.AddSingleton<ExportService>();
        ctx.Services.AddSingleton<ReportJob>();
        ctx.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new DashboardOptions()));
        ctx.Services.AddSingleton<Dissection.Core.Work.InteractivePriority>();
        ctx.Services.AddSingleton(new DashboardCluster(null, Microsoft.Extensions.Logging.Abstractions.NullLogger<DashboardCluster>.Instance));
        ctx.Services.AddSingleton<JobQueue>();
        // Local mode's access services, as the app registers them (Security/SecurityServices).
        ctx.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new Dissection.Dashboard.Security.AccessOptions()));
        ctx.Services.AddScoped<BrowserSession>();
        ctx.Services.AddScoped<Dissection.Dashboard.Security.DashboardAccess>();
        ctx.Services.AddSingleton<Dissection.Dashboard.Security.HeavyWork>();
        return ctx;
    }

    private static IRenderedComponent<GanPlayground> Open(BunitContext ctx, string model, string query = "")
    {
        ctx.Services.GetRequiredService<NavigationManager>().NavigateTo($"/gan/{model}{query}");
        return ctx.Render<GanPlayground>(p => p.Add(x => x.Model, model));
    }

    [Fact]
    public async Task Without_a_checkpoint_the_page_says_how_to_train_one()
    {
        using var dir = new GanTestFolder(withModel: false);
        await using var ctx = Context(dir);
        var cut = Open(ctx, "world-gan");
        var message = cut.Find("#gan-no-model").TextContent;
        Assert.Contains("No GAN model 'world-gan' yet", message);
        Assert.Contains("dissect train gan --dataset data/world --out data/models/world-gan.pt", cut.Find("#gan-train-command").TextContent);
        Assert.Empty(cut.FindAll("#gan-canvas"));
    }

    [Fact]
    public async Task A_bad_model_name_is_a_message_not_a_crash()
    {
        using var dir = new GanTestFolder(withModel: false);
        await using var ctx = Context(dir);
        var cut = Open(ctx, "..");
        Assert.Contains("is not a model name", cut.Find("#gan-no-model").TextContent);
    }

    [Fact]
    public async Task With_a_generator_the_controls_and_both_pictures_appear()
    {
        using var dir = new GanTestFolder();
        await using var ctx = Context(dir);
        var cut = Open(ctx, "test-gan", "?seed=12");
        cut.WaitForElement("#gan-original", Wait);
        Assert.NotNull(cut.Find("#gan-seed"));
        Assert.NotNull(cut.Find("#gan-random"));
        Assert.NotNull(cut.Find("#gan-layer"));
        Assert.NotNull(cut.Find("#gan-mode-paint"));
        Assert.NotNull(cut.Find("#gan-mode-erase"));
        Assert.NotNull(cut.Find("#gan-undo"));
        Assert.NotNull(cut.Find("#gan-redo"));
        Assert.NotNull(cut.Find("#gan-reset"));
        Assert.Equal("32", cut.Find("#gan-canvas").GetAttribute("width"));
        Assert.Equal("12", cut.Find("#gan-seed-shown").TextContent);
        // No stored dissection of this generator: units are picked by hand, one checkbox per unit of layer4.
        Assert.Contains("No stored dissection", cut.Find("#gan-stored-run").TextContent);
        Assert.Equal(16, cut.FindAll("#gan-unit-picker input[type=checkbox]").Count);
        // ... and the page offers the job that makes the concepts, for this generator.
        Assert.Contains("Dissect this generator", cut.Find("#gan-dissect-offer .dd-make-it-button").TextContent);
        Assert.StartsWith("data:image/png;base64,", cut.Find("#gan-edited").GetAttribute("src"));
        Assert.Equal(cut.Find("#gan-original").GetAttribute("src"), cut.Find("#gan-edited").GetAttribute("src"));
        Assert.NotNull(cut.Find("#gan-download").GetAttribute("download"));
    }

    /// <summary>The page opened at a link in its own context (one circuit), once its pictures are there.</summary>
    private static async Task<string> LinkError(GanTestFolder dir, string query)
    {
        await using var ctx = Context(dir);
        var cut = Open(ctx, "test-gan", query);
        cut.WaitForElement("#gan-original", Wait);
        return cut.Find("#gan-link-error").TextContent;
    }

    [Fact]
    public async Task Bad_seed_layer_or_strokes_in_the_link_are_explained()
    {
        using var dir = new GanTestFolder();
        var text = await LinkError(dir, "?seed=-5&layer=layer99&strokes=AAAA");
        Assert.Contains("seed '-5' is not a whole number from 0 to 2147483647", text);
        Assert.Contains("'layer99' is not a layer of test-gan", text);
        Assert.Contains("edits were not applied", text);

        var tooMany = string.Join('.', Enumerable.Repeat(
            PlaygroundLink.EncodeStroke(new PaintStroke(null, [1], PaintMode.Erase, [], 8, new bool[64])), 100));
        Assert.Contains($"at most {PlaygroundLink.MaxStrokes} are allowed", await LinkError(dir, "?seed=1&layer=layer4&strokes=" + tooMany));

        var wrongUnit = PlaygroundLink.EncodeStroke(new PaintStroke(null, [40], PaintMode.Erase, [], 8, new bool[64]));
        Assert.Contains("unit 40, outside 0…15 of layer4", await LinkError(dir, "?seed=1&layer=layer4&strokes=" + wrongUnit));
    }

    [Fact]
    public async Task A_canvas_stroke_becomes_an_edit_in_the_picture_and_the_link()
    {
        using var dir = new GanTestFolder();
        await using var ctx = Context(dir);
        var cut = Open(ctx, "test-gan", "?seed=3&layer=layer4");
        cut.WaitForElement("#gan-original", Wait);
        foreach (var u in new[] { 0, 2, 5, 7 }) cut.Find($"#gan-unit-{u}").Change(true);
        cut.WaitForAssertion(() => Assert.Equal("4", cut.Find("#gan-hand-count").TextContent), Wait);

        // What ganpaint.js sends: a 32×32 painting, bit-packed; here rows 8..15, columns 8..15 → cells (2..3, 2..3).
        var bits = new byte[32 * 32 / 8];
        for (var r = 8; r < 16; r++) for (var c = 8; c < 16; c++) { var i = r * 32 + c; bits[i >> 3] |= (byte)(1 << (i & 7)); }
        await cut.InvokeAsync(() => cut.Instance.OnStroke(Convert.ToBase64String(bits), 32, 32));
        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("#gan-edited").GetAttribute("data-strokes")), Wait);
        cut.WaitForAssertion(() => Assert.NotEqual(cut.Find("#gan-original").GetAttribute("src"), cut.Find("#gan-edited").GetAttribute("src")), Wait);

        // The permalink follows the picture (the page writes it after rendering): wait for it, as a user would.
        var navigation = ctx.Services.GetRequiredService<NavigationManager>();
        cut.WaitForAssertion(() => Assert.Contains("strokes=", navigation.Uri), Wait);
        var uri = new Uri(navigation.Uri);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(uri.Query);
        Assert.Equal("3", query["seed"]);
        Assert.Equal("layer4", query["layer"]);
        var stroke = Assert.Single(PlaygroundLink.DecodeStrokes(query["strokes"]));
        Assert.Equal(new[] { 0, 2, 5, 7 }, stroke.Units);
        Assert.Equal(PaintMode.Erase, stroke.Mode);
        Assert.Equal(Enumerable.Range(0, 64).Select(i => i / 8 is 2 or 3 && i % 8 is 2 or 3), stroke.Mask);

        cut.Find("#gan-undo").Click();
        cut.WaitForAssertion(() => Assert.Equal("0", cut.Find("#gan-edited").GetAttribute("data-strokes")), Wait);
        cut.WaitForAssertion(() => Assert.Equal(cut.Find("#gan-original").GetAttribute("src"), cut.Find("#gan-edited").GetAttribute("src")), Wait);
    }
}
