// One browser tab's identity (per Blazor circuit): what jobs it queued are "yours" in the queue; another tab's are
// "another user's", and no other detail of that tab is shown.
namespace Dissection.Dashboard.Services;

public sealed class BrowserSession
{
    /// <summary>Opaque; stored as a job's RequestedBy and only ever compared.</summary>
    public string Id { get; } = "web-" + Guid.NewGuid().ToString("N");

    /// <summary>Who queued a job, as this tab should see it.</summary>
    public string Owner(string? requestedBy) => requestedBy switch
    {
        null => "the dashboard",
        "cli" => "command line",
        var id when id == Id => "you",
        _ => "another user",
    };
}
