// The budgets on heavy circuit work (System.Threading.RateLimiting underneath): in Shared mode a user's GAN edits stop
// at the per-minute limit with a message naming it while another user's still pass; in Local mode nothing is limited.
using Dissection.Dashboard.Security;
using Microsoft.Extensions.Options;

namespace Dissection.Dashboard.Tests.Security;

public class HeavyWorkTests
{
    [Fact]
    public async Task Shared_mode_stops_a_users_gan_edits_at_the_per_minute_budget_and_not_another_users()
    {
        using var heavy = new HeavyWork(Options.Create(new AccessOptions { Mode = DashboardMode.Shared, GanEditsPerMinute = 3 }));
        for (var i = 0; i < 3; i++) (await heavy.AcquireAsync(HeavyKind.GanEdit, "ann")).Dispose();
        var e = await Assert.ThrowsAsync<AccessDeniedException>(() => heavy.AcquireAsync(HeavyKind.GanEdit, "ann"));
        Assert.Contains("GAN edits per minute", e.Message);
        (await heavy.AcquireAsync(HeavyKind.GanEdit, "bob")).Dispose();   // budgets are per user
        (await heavy.AcquireAsync(HeavyKind.Probe, "ann")).Dispose();     // and per kind
    }

    [Fact]
    public async Task Local_mode_limits_nothing()
    {
        using var heavy = new HeavyWork(Options.Create(new AccessOptions { GanEditsPerMinute = 1 }));
        for (var i = 0; i < 5; i++) (await heavy.AcquireAsync(HeavyKind.GanEdit, "owner")).Dispose();
    }
}
