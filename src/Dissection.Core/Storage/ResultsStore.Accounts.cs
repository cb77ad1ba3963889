// Dashboard accounts and run sharing (migration 7): users with a role and a password hash (hashed by Accounts/, never
// here), and each run's owner and published flag. Saved uploads per owner: UploadStore.
namespace Dissection.Core.Storage;

public sealed record StoredUser(string Name, string Role, string PasswordHash, DateTime CreatedUtc);

/// <summary>A run's owner (null: made by the command line or the demo) and whether anyone with its link may read it.</summary>
public sealed record RunSharing(long RunId, string? Owner, bool Published)
{
    public static RunSharing Unowned(long runId) => new(runId, null, false);
}

public sealed partial class ResultsStore
{
    /// <summary>Adds a user, or replaces the role and hash of an existing one (names compare case-insensitively).</summary>
    public void SaveUser(string name, string role, string passwordHash)
    {
        using var c = Connect();
        Execute(c, null, """
            INSERT INTO users (name, role, password_hash, created_utc) VALUES ($n, $r, $h, $now)
            ON CONFLICT (name) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash
            """, ("$n", name), ("$r", role), ("$h", passwordHash), ("$now", Utc(DateTime.UtcNow)));
    }

    /// <summary>True when the user existed.</summary>
    public bool RemoveUser(string name)
    {
        using var c = Connect();
        return Execute(c, null, "DELETE FROM users WHERE name = $n", ("$n", name)) > 0;
    }

    public StoredUser? GetUser(string name)
    {
        using var c = Connect();
        using var cmd = Command(c, null, "SELECT name, role, password_hash, created_utc FROM users WHERE name = $n", ("$n", name));
        using var r = cmd.ExecuteReader();
        return r.Read() ? new StoredUser(r.GetString(0), r.GetString(1), r.GetString(2), ParseUtc(r.GetString(3))) : null;
    }

    public IReadOnlyList<StoredUser> ListUsers()
    {
        using var c = Connect();
        using var cmd = Command(c, null, "SELECT name, role, password_hash, created_utc FROM users ORDER BY name");
        using var r = cmd.ExecuteReader();
        var list = new List<StoredUser>();
        while (r.Read()) list.Add(new StoredUser(r.GetString(0), r.GetString(1), r.GetString(2), ParseUtc(r.GetString(3))));
        return list;
    }

    public RunSharing GetRunSharing(long runId)
    {
        using var c = Connect();
        using var cmd = Command(c, null, "SELECT owner, published FROM run_sharing WHERE run_id = $id", ("$id", runId));
        using var r = cmd.ExecuteReader();
        return r.Read() ? new RunSharing(runId, r.IsDBNull(0) ? null : r.GetString(0), r.GetInt64(1) == 1) : RunSharing.Unowned(runId);
    }

    /// <summary>Every run's sharing that differs from "unowned, unpublished".</summary>
    public IReadOnlyDictionary<long, RunSharing> ListRunSharing()
    {
        using var c = Connect();
        using var cmd = Command(c, null, "SELECT run_id, owner, published FROM run_sharing");
        using var r = cmd.ExecuteReader();
        var map = new Dictionary<long, RunSharing>();
        while (r.Read()) map[r.GetInt64(0)] = new RunSharing(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetInt64(2) == 1);
        return map;
    }

    public void SetRunOwner(long runId, string? owner)
    {
        using var c = Connect();
        Execute(c, null, """
            INSERT INTO run_sharing (run_id, owner, published) VALUES ($id, $o, 0)
            ON CONFLICT (run_id) DO UPDATE SET owner = excluded.owner
            """, ("$id", runId), ("$o", owner));
    }

    public void SetRunPublished(long runId, bool published)
    {
        using var c = Connect();
        Execute(c, null, """
            INSERT INTO run_sharing (run_id, owner, published) VALUES ($id, NULL, $p)
            ON CONFLICT (run_id) DO UPDATE SET published = excluded.published
            """, ("$id", runId), ("$p", published ? 1 : 0));
    }
}
