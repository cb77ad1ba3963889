// The roles of shared mode, in increasing power: a viewer browses, an editor also starts and cancels their own jobs and
// saves uploads, an admin does everything. Stored by name in the users table.
namespace Dissection.Core.Accounts;

public enum DashboardRole { Viewer = 1, Editor = 2, Admin = 3 }

public static class DashboardRoles
{
    public static string Name(DashboardRole role) => role.ToString().ToLowerInvariant();

    /// <exception cref="ArgumentException">not viewer, editor or admin.</exception>
    public static DashboardRole Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "viewer" => DashboardRole.Viewer,
        "editor" => DashboardRole.Editor,
        "admin" => DashboardRole.Admin,
        _ => throw new ArgumentException($"role must be viewer, editor or admin, got '{text}'"),
    };
}
