// Run status (progress, failure message) and the friendly not-found view.
using Dissection.Core.Dissection;
using Dissection.Core.Storage;
using Dissection.Dashboard.Components.Shared;
using MudBlazor.Services;

namespace Dissection.Dashboard.Tests.Components;

public class StatusAndNotFoundTests
{
    private static RunInfo Run(RunStatus status, double progress = 0, string? message = null, string? phase = null) =>
        new(1, "demo", "world-vgg", "data/world", ["conv5"], new DissectionSettings(), status, message, 100,
            DateTime.UtcNow.AddMinutes(-2), DateTime.UtcNow.AddMinutes(-1), null, progress, phase, 12.5);

    private static BunitContext Context()
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        return ctx;
    }

    [Fact]
    public async Task Running_run_shows_percent_speed_and_a_progress_bar()
    {
        await using var ctx = Context();
        var cut = ctx.Render<RunStatusView>(p => p.Add(x => x.Run, Run(RunStatus.Running, 0.5, phase: "pass 1")));
        var text = cut.Find(".run-progress-text").TextContent;
        Assert.Contains("50 %", text);
        Assert.Contains("pass 1", text);
        Assert.Contains("12.5 images/s", text);
        Assert.Contains("left", text);
        Assert.NotEmpty(cut.FindAll(".run-progress"));
    }

    [Fact]
    public async Task Failed_run_shows_the_engine_message()
    {
        await using var ctx = Context();
        var cut = ctx.Render<RunStatusView>(p => p.Add(x => x.Run, Run(RunStatus.Failed, message: "index.csv line 3: bad width")));
        Assert.Equal("failed", cut.Find("[data-status]").GetAttribute("data-status"));
        Assert.Contains("index.csv line 3: bad width", cut.Find(".run-message").TextContent);
        Assert.Empty(cut.FindAll(".run-progress"));
    }

    [Fact]
    public async Task Interrupted_run_says_so_and_how_it_resumes()
    {
        await using var ctx = Context();
        var cut = ctx.Render<RunStatusView>(p => p.Add(x => x.Run, Run(RunStatus.Interrupted, message: "Interrupted: the process running it stopped. It resumes on the next start.")));
        Assert.Equal("interrupted", cut.Find("[data-status]").GetAttribute("data-status"));
        Assert.Equal("Interrupted", cut.Find(".run-status").TextContent.Trim());
        Assert.Contains("It resumes on the next start.", cut.Find(".run-message").TextContent);
        Assert.Empty(cut.FindAll(".run-progress"));
    }

    [Fact]
    public async Task Not_found_view_explains_and_offers_a_way_back()
    {
        await using var ctx = Context();
        var cut = ctx.Render<NotFoundView>(p => p.Add(x => x.Message, "There is no run #99.").Add(x => x.BackHref, "/runs/1"));
        Assert.Contains("There is no run #99.", cut.Markup);
        var hrefs = cut.FindAll("a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Contains("/runs/1", hrefs);
        Assert.Contains("/", hrefs);
    }
}
