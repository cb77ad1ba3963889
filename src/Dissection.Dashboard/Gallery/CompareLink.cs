// The /compare page's URL, built and read in one place: ?a=RUN:LAYER&b=RUN:LAYER. The page reads its two sides here
// and the pickers write them back through Build; every link to a comparison (the run page's, the page's suggestion)
// is built here too. A side is kept as the text the link had, so a mistyped side is named by the page, not dropped.
using Dissection.Dashboard.Services;

namespace Dissection.Dashboard.Gallery;

public static class CompareLink
{
    public const string Path = "/compare";

    /// <summary>The comparison of two layers; a side left null is left for the pickers.</summary>
    public static string Build(LayerRef? a, LayerRef? b = null) => Build(a?.ToString(), b?.ToString());

    /// <summary>A comparison from its sides' text (RUN:LAYER, or what a link had, kept as it was).</summary>
    public static string Build(string? a, string? b) => QueryLink.Build(Path, ("a", a), ("b", b)).Replace("%3A", ":", StringComparison.Ordinal);

    /// <summary>The two sides' text of a link (null when absent); LayerRef.TryParse reads each.</summary>
    public static (string? A, string? B) Parse(string url)
    {
        var q = QueryLink.Query(url);
        return (q("a"), q("b"));
    }

    /// <summary>The runs a comparison link shows.</summary>
    public static IEnumerable<long> Runs(string url)
    {
        var (a, b) = Parse(url);
        foreach (var side in new[] { a, b })
            if (LayerRef.TryParse(side, out var r, out _)) yield return r!.Run;
    }
}
