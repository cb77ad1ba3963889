// The first-start demo hook: when Dashboard:Demo is on, the registered IDemoBootstrap prepares a demo world,
// model and run in the background (WorldDemoBootstrap).
using Microsoft.Extensions.Options;

namespace Dissection.Dashboard.Services;

public interface IDemoBootstrap
{
    Task EnsureDemoAsync(CancellationToken cancel);
}

/// <summary>Runs the bootstrap after start-up without delaying the first page.</summary>
public sealed class DemoStartup(IDemoBootstrap bootstrap, IOptions<DashboardOptions> options, ILogger<DemoStartup> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        if (!options.Value.Demo) return;
        try { await bootstrap.EnsureDemoAsync(stopping); }
        catch (OperationCanceledException) { }
        catch (Exception e) { log.LogError(e, "The demo could not be prepared"); }
    }
}
