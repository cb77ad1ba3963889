// Who may do what, as plain functions of the user (null: not signed in) and the thing asked for; the pages, the
// endpoints and the job operations all ask these, on the server. Local mode has one user, the owner, who may do
// everything; Shared mode has viewers, editors and admins, and anonymous visitors who may only read published runs.
using System.Security.Claims;
using Dissection.Core.Accounts;
using Dissection.Core.Storage;

namespace Dissection.Dashboard.Security;

public sealed class AccessDeniedException(string message, bool signedIn) : Exception(message)
{
    /// <summary>False when signing in could help (HTTP 401), true when the signed-in user's role is too low (403).</summary>
    public bool SignedIn { get; } = signedIn;
}

public static class AccessRules
{
    public static readonly DashboardUser LocalOwner = new("owner", DashboardRole.Admin);
    /// <summary>A signed-in user's jobs are theirs across tabs and devices: RequestedBy = "user:NAME".</summary>
    public const string UserRequester = "user:";

    public static bool Has(DashboardUser? user, DashboardRole least) => user is not null && user.Role >= least;

    /// <exception cref="AccessDeniedException">the user lacks the role; the message says which role is needed.</exception>
    public static void Require(DashboardUser? user, DashboardRole least, string action)
    {
        if (Has(user, least)) return;
        throw user is null
            ? new AccessDeniedException($"Sign in to {action}.", signedIn: false)
            : new AccessDeniedException($"Your account ({DashboardRoles.Name(user.Role)}) may not {action}: that needs the {DashboardRoles.Name(least)} role.", signedIn: true);
    }

    /// <summary>Signed-in users read every run; anyone reads a published run.</summary>
    public static bool CanSeeRun(DashboardUser? user, RunSharing sharing) => user is not null || sharing.Published;

    /// <summary>An admin cancels any job; an editor only the jobs they queued.</summary>
    public static bool CanCancel(DashboardUser? user, string requester, string? jobRequestedBy) =>
        Has(user, DashboardRole.Admin) || (Has(user, DashboardRole.Editor) && jobRequestedBy == requester);

    /// <summary>The run's owner (an editor) or an admin publishes and unpublishes it.</summary>
    public static bool CanPublish(DashboardUser? user, RunSharing sharing) => OwnsRunOrAdmin(user, sharing);

    /// <summary>The run's owner (an editor) or an admin deletes it; runs of the command line or the demo have no owner,
    /// so only an admin deletes those.</summary>
    public static bool CanDeleteRun(DashboardUser? user, RunSharing sharing) => OwnsRunOrAdmin(user, sharing);

    /// <summary>An admin deletes any saved upload; an editor only their own (held under their requester name).</summary>
    public static bool CanDeleteUpload(DashboardUser? user, string requester, string uploadOwner) =>
        Has(user, DashboardRole.Admin) || (Has(user, DashboardRole.Editor) && uploadOwner == requester);

    private static bool OwnsRunOrAdmin(DashboardUser? user, RunSharing sharing) =>
        Has(user, DashboardRole.Admin) || (Has(user, DashboardRole.Editor) && sharing.Owner is { } o && string.Equals(o, user!.Name, StringComparison.OrdinalIgnoreCase));

    public static ClaimsPrincipal Principal(DashboardUser user, string scheme) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, user.Name), new Claim(ClaimTypes.Role, DashboardRoles.Name(user.Role))], scheme));

    public static DashboardUser? FromPrincipal(ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true) return null;
        var name = principal.FindFirstValue(ClaimTypes.Name);
        var role = principal.FindFirstValue(ClaimTypes.Role);
        if (name is null || role is null) return null;
        try { return new DashboardUser(name, DashboardRoles.Parse(role)); }
        catch (ArgumentException) { return null; }
    }
}
