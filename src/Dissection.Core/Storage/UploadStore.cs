// Saved uploads per owner (the uploads table): what the upload quota counts and the uploads page lists. A saved file is
// named by its content hash, so two owners may hold the same file; each holds it under the name they uploaded, and
// removing a holding tells whether anyone still holds the file (only then may the file itself go).
using static Dissection.Core.Storage.ResultsStore;

namespace Dissection.Core.Storage;

/// <summary>One owner's saved upload: the file's id, the name it was uploaded under, its size and when it was saved.</summary>
public sealed record StoredUpload(string Id, string Owner, string Name, long Bytes, DateTime CreatedUtc);

public sealed class UploadStore : FeatureStore
{
    internal UploadStore(ResultsStore store) : base(store) { }

    /// <summary>Records a saved upload for its owner; the same file saved again by the same owner counts once.</summary>
    public void Record(string id, string owner, long bytes, string name = "")
    {
        using var c = Connect();
        Execute(c, null, "INSERT OR IGNORE INTO uploads (id, owner, name, bytes, created_utc) VALUES ($id, $o, $n, $b, $now)",
            ("$id", id), ("$o", owner), ("$n", name), ("$b", bytes), ("$now", Utc(DateTime.UtcNow)));
    }

    /// <summary>Bytes of saved uploads recorded for an owner.</summary>
    public long Bytes(string owner)
    {
        using var c = Connect();
        using var cmd = Command(c, null, "SELECT COALESCE(SUM(bytes), 0) FROM uploads WHERE owner = $o", ("$o", owner));
        return Convert.ToInt64(cmd.ExecuteScalar());
    }

    /// <summary>An owner's uploads (every owner's when <paramref name="owner"/> is null), newest first.</summary>
    public IReadOnlyList<StoredUpload> List(string? owner = null)
    {
        using var c = Connect();
        using var cmd = Command(c, null, """
            SELECT id, owner, name, bytes, created_utc FROM uploads WHERE $o IS NULL OR owner = $o
            ORDER BY created_utc DESC, id
            """, ("$o", owner));
        using var r = cmd.ExecuteReader();
        var list = new List<StoredUpload>();
        while (r.Read()) list.Add(new StoredUpload(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), ParseUtc(r.GetString(4))));
        return list;
    }

    /// <summary>Removes an owner's holding of an upload, in one transaction with the question whether anyone else still
    /// holds the file. Removed is false when the owner held no such upload.</summary>
    public (bool Removed, bool StillHeld) Remove(string id, string owner)
    {
        using var c = Connect();
        using var tx = c.BeginTransaction();
        var removed = Execute(c, tx, "DELETE FROM uploads WHERE id = $id AND owner = $o", ("$id", id), ("$o", owner)) > 0;
        using var held = Command(c, tx, "SELECT EXISTS (SELECT 1 FROM uploads WHERE id = $id)", ("$id", id));
        var stillHeld = Convert.ToInt64(held.ExecuteScalar()) != 0;
        tx.Commit();
        return (removed, stillHeld);
    }
}
