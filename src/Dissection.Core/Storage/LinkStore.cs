// Short links (the short_links table): a long view URL stored under a short id, so a link with a large state (many
// GAN paint strokes) can still be shared. Ids are base62 prefixes of the target's SHA-256: the same target always gets
// the same id, and a prefix taken by another target grows by one character until it is free.
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using static Dissection.Core.Storage.ResultsStore;

namespace Dissection.Core.Storage;

public sealed class LinkStore : FeatureStore
{
    internal LinkStore(ResultsStore store) : base(store) { }

    /// <summary>Characters of the shortest id.</summary>
    public const int ShortLinkIdLength = 7;
    /// <summary>Longest target kept: above every URL the dashboard serves.</summary>
    public const int MaxShortLinkTarget = 60_000;

    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>Stores a target (path and query, starting with '/') and returns its id; the same target keeps its id.</summary>
    /// <exception cref="ArgumentException">the target is empty, does not start with '/', or is too long.</exception>
    public string SaveShortLink(string target)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        // Browsers read "/\host" like "//host", so a second slash of either kind would make the link leave the dashboard.
        if (!target.StartsWith('/') || (target.Length > 1 && target[1] is '/' or '\\') || target.Any(char.IsControl))
            throw new ArgumentException("a short link's target is a path on this dashboard, starting with a single '/'", nameof(target));
        if (target.Length > MaxShortLinkTarget)
            throw new ArgumentException($"a short link's target is at most {MaxShortLinkTarget:N0} characters; this one has {target.Length:N0}", nameof(target));
        var full = ToBase62(SHA256.HashData(Encoding.UTF8.GetBytes(target)));
        using var c = Connect();
        using var tx = c.BeginTransaction();
        using (var find = Command(c, tx, "SELECT id FROM short_links WHERE target = $t", ("$t", target)))
            if (find.ExecuteScalar() is string existing) return existing;
        for (var length = ShortLinkIdLength; length <= full.Length; length++)
        {
            var id = full[..length];
            using var taken = Command(c, tx, "SELECT 1 FROM short_links WHERE id = $id", ("$id", id));
            if (taken.ExecuteScalar() is not null) continue;
            Execute(c, tx, "INSERT INTO short_links (id, target, created_utc) VALUES ($id, $t, $now)",
                ("$id", id), ("$t", target), ("$now", Utc(DateTime.UtcNow)));
            tx.Commit();
            return id;
        }
        throw new InvalidOperationException("no free short link id"); // 43 characters of SHA-256 all taken: not in this universe
    }

    /// <summary>The target of a short link; null for an unknown or malformed id.</summary>
    public string? GetShortLink(string id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 64 || !id.All(ch => Base62.Contains(ch))) return null;
        using var c = Connect();
        using var cmd = Command(c, null, "SELECT target FROM short_links WHERE id = $id", ("$id", id));
        return cmd.ExecuteScalar() as string;
    }

    private static string ToBase62(byte[] bytes)
    {
        var n = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        var sb = new StringBuilder();
        while (n > 0) { sb.Append(Base62[(int)(n % 62)]); n /= 62; }
        return sb.ToString().PadRight(ShortLinkIdLength, '0');
    }
}
