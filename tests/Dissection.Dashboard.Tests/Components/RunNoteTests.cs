// A finished run that skipped images says so in its status (the runs page and the run page both show RunStatusView),
// and no status message shows an absolute server path.
using Dissection.Core.Dissection;
using Dissection.Core.Storage;
using Dissection.Dashboard.Components.Shared;
using MudBlazor.Services;

namespace Dissection.Dashboard.Tests.Components;

public class RunNoteTests
{
    private static RunInfo Run(RunStatus status, string? message) =>
        new(1, "demo", "world-vgg", "data/world", ["conv5"], new DissectionSettings(), status, message, 100,
            DateTime.UtcNow.AddMinutes(-2), DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow, 1, null, 12.5);

    [Fact]
    public async Task A_done_run_that_skipped_images_says_so()
    {
        await using var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        var cut = ctx.Render<RunStatusView>(p => p.Add(x => x.Run,
            Run(RunStatus.Done, "2 unreadable image(s) skipped (picture or mask), e.g. kitchen/3.jpg.")));
        Assert.Equal("done", cut.Find("[data-status]").GetAttribute("data-status"));
        Assert.Contains("2 unreadable image(s) skipped", cut.Find(".run-note").TextContent);
        Assert.Contains("kitchen/3.jpg", cut.Find(".run-note").TextContent);
    }

    [Fact]
    public async Task A_failure_message_shows_no_absolute_server_path()
    {
        await using var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        var cut = ctx.Render<RunStatusView>(p => p.Add(x => x.Run,
            Run(RunStatus.Failed, "checkpoint '/srv/private/models/x.pt' has a bad safetensors header")));
        var text = cut.Find(".run-message").TextContent;
        Assert.DoesNotContain("/srv/private", text);
        Assert.Contains("'x.pt'", text);
    }
}
