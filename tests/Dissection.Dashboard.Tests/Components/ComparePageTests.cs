// The /compare page on a real results database: both histograms, the delta chart, the one-sided lists and the
// category chart for two valid layers; a clear message, not a crash, for malformed or unknown RUN:LAYER.
using Dissection.Core.Dissection;
using Dissection.Core.Storage;
using Dissection.Dashboard.Components.Pages;
using Dissection.Dashboard.Services;
using Microsoft.AspNetCore.Components;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace Dissection.Dashboard.Tests.Components;

public sealed class ComparePageTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("dd-compare-").FullName;
    private readonly BunitContext _ctx = new();
    private long _run;
    /// <summary>The page loads on the thread pool; on a starved CI machine that can take a while.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public Task InitializeAsync()
    {
        var db = Path.Combine(_root, "results.db");
        using (var store = ResultsStore.Open(db))
        {
            _run = store.Runs.CreateRun("toy", "world-vgg", "data/world", ["conv3", "conv5"], new DissectionSettings());
            store.Runs.SetStatus(_run, RunStatus.Running);
            // conv3: colours and one material; conv5: objects and a part, one colour kept.
            store.Layers.SaveLayer(_run, Layer("conv3", [("red", "color"), ("red", "color"), ("blue", "color"), ("grass", "material")]));
            store.Layers.SaveLayer(_run, Layer("conv5", [("tree", "object"), ("tree", "object"), ("wheel", "part"), ("red", "color")]));
            store.Runs.SetStatus(_run, RunStatus.Done, null, 10);
        }
        _ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        _ctx.Services.AddMudServices();
        _ctx.Services.AddSingleton(new RepoPaths(_root, new DashboardOptions { Database = db }));
        _ctx.Services.AddSingleton<StoreAccess>();
        _ctx.Services.AddSingleton<IMemoryCache>(new MemoryCache(new MemoryCacheOptions()));
        _ctx.Services.AddSingleton<ResultsService>();
        _ctx.Services.AddSingleton<CompareService>();
        _ctx.Render<MudPopoverProvider>();
        return Task.CompletedTask;
    }

    private static LayerResult Layer(string name, (string Concept, string Category)[] labels)
    {
        var units = labels.Select((l, u) =>
        {
            var score = new ConceptScore(u + 1, l.Concept, l.Category, 0.2);
            return new UnitResult(u, 1f, score, [score], [score], [], new ActivationHistogram(0, 1, [1, 2]));
        }).ToList();
        return new LayerResult(name, [units.Count, 4, 4], units, 10, TimeSpan.FromSeconds(1));
    }

    private IRenderedComponent<ComparePage> Render(string? a, string? b)
    {
        // Query parameters come from the URL, as in the browser.
        var nav = _ctx.Services.GetRequiredService<NavigationManager>();
        nav.NavigateTo(nav.GetUriWithQueryParameters("/compare", new Dictionary<string, object?> { ["a"] = a, ["b"] = b }));
        var cut = _ctx.Render<ComparePage>();
        cut.WaitForState(() => cut.FindAll(".mud-progress-linear").Count == 0, Patience);
        return cut;
    }

    [Fact]
    public void Two_layers_show_both_histograms_the_delta_the_one_sided_concepts_and_categories()
    {
        var cut = Render($"{_run}:conv3", $"{_run}:conv5");
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#compare-results")), Patience);
        Assert.NotNull(cut.Find("#compare-hist-a"));
        Assert.NotNull(cut.Find("#compare-hist-b"));
        Assert.NotNull(cut.Find("#compare-delta"));
        Assert.NotNull(cut.Find("#compare-categories"));
        Assert.Empty(cut.FindAll(".compare-problem"));
        var onlyA = cut.Find("#compare-only-a").TextContent;
        var onlyB = cut.Find("#compare-only-b").TextContent;
        Assert.Contains("blue", onlyA);
        Assert.Contains("grass", onlyA);
        Assert.DoesNotContain("red", onlyA);
        Assert.Contains("tree", onlyB);
        Assert.Contains("wheel", onlyB);
        Assert.DoesNotContain("red", onlyB);
        Assert.Contains("4 detectors of 4 units", cut.Find("#compare-side-a .compare-stats").TextContent);
        // Each side links to its layer page.
        Assert.Contains(cut.FindAll("#compare-side-b a"), a => a.GetAttribute("href") == Links.Layer(_run, "conv5"));
    }

    [Theory]
    [InlineData("conv3", "no ':'")]
    [InlineData("x:conv3", "not a run number")]
    [InlineData("999:conv3", "no run #999")]
    [InlineData("{run}:conv9", "no results for a layer named 'conv9'")]
    public void A_bad_side_gives_a_clear_message_and_no_charts(string a, string expected)
    {
        var cut = Render(a.Replace("{run}", _run.ToString(System.Globalization.CultureInfo.InvariantCulture)), $"{_run}:conv5");
        cut.WaitForAssertion(() => Assert.Contains(expected, cut.Find(".compare-problem").TextContent), Patience);
        Assert.StartsWith("Side A", cut.Find(".compare-problem").TextContent.Trim());
        Assert.Empty(cut.FindAll("#compare-results"));
        if (expected.Contains("conv9")) Assert.Contains("its layers are conv3, conv5", cut.Find(".compare-problem").TextContent);
    }

    [Fact]
    public void An_empty_page_offers_the_newest_runs_first_and_last_layer()
    {
        var cut = Render(null, null);
        cut.WaitForAssertion(() => Assert.Equal(Dissection.Dashboard.Gallery.CompareLink.Build(new Dissection.Dashboard.Gallery.LayerRef(_run, "conv3"), new Dissection.Dashboard.Gallery.LayerRef(_run, "conv5")), cut.Find("#compare-suggestion").GetAttribute("href")),
            Patience);
        Assert.Empty(cut.FindAll(".compare-problem"));
    }

    public async Task DisposeAsync()
    {
        await _ctx.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
