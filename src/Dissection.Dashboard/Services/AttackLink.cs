// The /attack page's URL, built and read in one place: the page's whole state (run, layer, dataset image, target, norm,
// ε, steps, seed, random start) is read here and every change is written back through Build, so a pasted link
// re-creates the same attack. Numbers that do not read are dropped and named in the notice (QueryNumbers).
using System.Globalization;

namespace Dissection.Dashboard.Services;

/// <summary>What an /attack link holds. Eps stays text ("4/255" reads as a fraction); RandomStart is "1" when on.</summary>
public sealed record AttackState(long? Run = null, string? Layer = null, string? Target = null, string? Norm = null, string? Eps = null,
    int? Steps = null, long? Seed = null, int? Image = null, string? RandomStart = null);

public static class AttackLink
{
    public const string Path = "/attack";

    public static string Build(AttackState s) => QueryLink.Build(Path,
        ("run", s.Run?.ToString(CultureInfo.InvariantCulture)), ("layer", s.Layer), ("target", s.Target), ("norm", s.Norm),
        ("eps", s.Eps), ("steps", s.Steps?.ToString(CultureInfo.InvariantCulture)), ("seed", s.Seed?.ToString(CultureInfo.InvariantCulture)),
        ("image", s.Image?.ToString(CultureInfo.InvariantCulture)), ("rs", s.RandomStart));

    /// <summary>The state from the page's query values as they arrive, with a notice naming each number that did not read.</summary>
    public static (AttackState State, string? Notice) Read(string? run, string? layer, string? target, string? norm, string? eps,
        string? steps, string? seed, string? image, string? randomStart)
    {
        var (r, st, se, i) = (QueryNumbers.Long(run), QueryNumbers.Int(steps), QueryNumbers.Long(seed), QueryNumbers.Int(image));
        return (new AttackState(r, layer, target, norm, eps, st, se, i, randomStart),
            QueryNumbers.Notice(("run", run, r is not null), ("image", image, i is not null), ("steps", steps, st is not null), ("seed", seed, se is not null)));
    }

    /// <summary>Reads a link (path and query, or a whole URL).</summary>
    public static (AttackState State, string? Notice) Parse(string url)
    {
        var q = QueryLink.Query(url);
        return Read(q("run"), q("layer"), q("target"), q("norm"), q("eps"), q("steps"), q("seed"), q("image"), q("rs"));
    }
}
