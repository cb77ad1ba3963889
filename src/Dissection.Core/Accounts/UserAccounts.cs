// Dashboard accounts over the results store: the one place that hashes and checks passwords (ASP.NET Core Identity's
// PasswordHasher: PBKDF2 with a per-password salt, versioned format, rehash advice). Used by `dissect users` and by
// the dashboard's sign-in.
using System.Text.RegularExpressions;
using Dissection.Core.Storage;
using Microsoft.AspNetCore.Identity;

namespace Dissection.Core.Accounts;

public sealed record DashboardUser(string Name, DashboardRole Role);

public static partial class UserAccounts
{
    public const int MinPasswordLength = 8;
    private static readonly PasswordHasher<DashboardUser> Hasher = new();

    /// <summary>Adds a user or replaces an existing user's role and password.</summary>
    /// <exception cref="ArgumentException">a bad name or a password that is too short.</exception>
    public static void Save(ResultsStore store, string name, DashboardRole role, string password)
    {
        if (!ValidName().IsMatch(name))
            throw new ArgumentException($"'{name}' is not a user name: 1-64 letters, digits, '.', '-', '_' or '@'");
        if (password.Length < MinPasswordLength)
            throw new ArgumentException($"the password must have at least {MinPasswordLength} characters");
        var user = new DashboardUser(name, role);
        store.SaveUser(name, DashboardRoles.Name(role), Hasher.HashPassword(user, password));
    }

    public static bool Remove(ResultsStore store, string name) => store.RemoveUser(name);

    public static IReadOnlyList<DashboardUser> List(ResultsStore store) =>
        store.ListUsers().Select(u => new DashboardUser(u.Name, DashboardRoles.Parse(u.Role))).ToList();

    /// <summary>The user when the password is theirs, else null (unknown users cost a hash too, so timing tells nothing).</summary>
    public static DashboardUser? Verify(ResultsStore store, string name, string password)
    {
        var stored = ValidName().IsMatch(name) ? store.GetUser(name) : null;
        var user = stored is null ? new DashboardUser(name, DashboardRole.Viewer) : new DashboardUser(stored.Name, DashboardRoles.Parse(stored.Role));
        var result = Hasher.VerifyHashedPassword(user, stored?.PasswordHash ?? DummyHash.Value, password);
        if (stored is null || result == PasswordVerificationResult.Failed) return null;
        if (result == PasswordVerificationResult.SuccessRehashNeeded) store.SaveUser(stored.Name, stored.Role, Hasher.HashPassword(user, password));
        return user;
    }

    private static readonly Lazy<string> DummyHash = new(() => Hasher.HashPassword(new DashboardUser("", DashboardRole.Viewer), Guid.NewGuid().ToString()));

    [GeneratedRegex("^[A-Za-z0-9._@-]{1,64}$")]
    private static partial Regex ValidName();
}
