// Shared mode's accounts in a real SQLite file: a password is stored only as Identity's PasswordHasher hash, checked
// right and wrong, a role change and a removal take effect, names compare case-insensitively; a run's sharing
// (owner, published) and the upload bytes per owner round-trip, and deleting a run deletes its sharing.
using Dissection.Core.Accounts;
using Dissection.Core.Dissection;
using Dissection.Core.Storage;

namespace Dissection.Core.Tests.Storage;

public sealed class UserAccountsTests : IDisposable
{
    readonly TempDatabase _db = new();
    public void Dispose() => _db.Dispose();

    [Fact]
    public void Passwords_are_hashed_checked_and_accounts_change_and_go()
    {
        using var store = _db.Open();
        UserAccounts.Save(store, "Ada", DashboardRole.Admin, "long enough secret");
        var stored = store.GetUser("ada")!;
        Assert.Equal("Ada", stored.Name);
        Assert.DoesNotContain("long enough secret", stored.PasswordHash);
        Assert.StartsWith("AQAAAA", stored.PasswordHash); // Identity v3 format: PBKDF2 with a per-password salt
        Assert.Equal(new DashboardUser("Ada", DashboardRole.Admin), UserAccounts.Verify(store, "ada", "long enough secret"));
        Assert.Null(UserAccounts.Verify(store, "Ada", "long enough secreT"));
        Assert.Null(UserAccounts.Verify(store, "nobody", "long enough secret"));

        UserAccounts.Save(store, "ada", DashboardRole.Viewer, "another password");
        Assert.Null(UserAccounts.Verify(store, "Ada", "long enough secret"));
        Assert.Equal(DashboardRole.Viewer, UserAccounts.Verify(store, "Ada", "another password")!.Role);
        Assert.Single(UserAccounts.List(store));

        Assert.True(UserAccounts.Remove(store, "ADA"));
        Assert.Null(UserAccounts.Verify(store, "Ada", "another password"));
        Assert.False(UserAccounts.Remove(store, "ada"));
    }

    [Theory]
    [InlineData("bad name", "long enough secret")]
    [InlineData("../x", "long enough secret")]
    [InlineData("ok", "short")]
    public void Bad_names_and_short_passwords_are_refused(string name, string password)
    {
        using var store = _db.Open();
        Assert.Throws<ArgumentException>(() => UserAccounts.Save(store, name, DashboardRole.Editor, password));
        Assert.Empty(store.ListUsers());
    }

    [Fact]
    public void A_bad_role_in_the_database_is_refused_by_the_schema()
    {
        using var store = _db.Open();
        Assert.ThrowsAny<Microsoft.Data.Sqlite.SqliteException>(() => store.SaveUser("x", "root", "hash"));
        Assert.Throws<ArgumentException>(() => DashboardRoles.Parse("root"));
    }

    [Fact]
    public void Run_sharing_and_upload_bytes_round_trip()
    {
        using var store = _db.Open();
        var run = store.Runs.CreateRun("r", "world-vgg", "data/world", ["conv5"], new DissectionSettings());
        Assert.Equal(RunSharing.Unowned(run), store.GetRunSharing(run));
        store.SetRunOwner(run, "eddie");
        store.SetRunPublished(run, true);
        Assert.Equal(new RunSharing(run, "eddie", true), store.GetRunSharing(run));
        store.SetRunPublished(run, false);
        Assert.Equal(new RunSharing(run, "eddie", false), store.GetRunSharing(run));

        store.Uploads.Record("0123456789abcdef", "user:eddie", 1000);
        store.Uploads.Record("0123456789abcdef", "user:eddie", 1000); // the same file saved again counts once
        store.Uploads.Record("fedcba9876543210", "user:eddie", 500);
        Assert.Equal(1500, store.Uploads.Bytes("user:eddie"));
        Assert.Equal(0, store.Uploads.Bytes("user:olga"));

        store.Runs.DeleteRun(run);
        Assert.Equal(RunSharing.Unowned(run), store.GetRunSharing(run));
    }
}
