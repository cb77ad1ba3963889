// Settings of the two modes (section "Dashboard", beside DashboardOptions): Local (the default: loopback, no sign-in,
// the one user is the owner) or Shared (network, cookie sign-in, roles), and the limits that keep a shared server's
// CPU for its job queue.
namespace Dissection.Dashboard.Security;

public enum DashboardMode { Local, Shared }

public sealed class AccessOptions
{
    public DashboardMode Mode { get; set; } = DashboardMode.Local;
    /// <summary>Where a Shared server listens when no --urls is given: every interface, port 5000.</summary>
    public string SharedUrls { get; set; } = "http://0.0.0.0:5000";
    /// <summary>Jobs one user may have queued or running at once.</summary>
    public int MaxQueuedJobsPerUser { get; set; } = 3;
    /// <summary>Saved uploads per user, in MB.</summary>
    public int UploadQuotaMegabytes { get; set; } = 100;
    /// <summary>Heavy requests (model probes, attacks, GAN edits, renders) served at once, all users together.</summary>
    public int MaxConcurrentHeavy { get; set; } = 2;
    /// <summary>Per user (or address) and minute.</summary>
    public int RendersPerMinute { get; set; } = 600;
    public int ProbesPerMinute { get; set; } = 20;
    public int UploadsPerMinute { get; set; } = 10;
    public int GanEditsPerMinute { get; set; } = 120;
    /// <summary>Sign-in attempts per address and minute (password guessing stops here).</summary>
    public int SignInsPerMinute { get; set; } = 10;
}
