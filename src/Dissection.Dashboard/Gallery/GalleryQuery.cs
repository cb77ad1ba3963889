// The gallery's view state (sort, filters, search) and its query-string form: the permalink of a layer view.
using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;

namespace Dissection.Dashboard.Gallery;

public enum GallerySort { Unit, Iou, Concept, Lift }

/// <summary>The reliability filter: a verdict (LabelReliability), or labelled units whose run predates the measurement.</summary>
public enum GalleryTrust { Strong, Weak, Unstable, NotMeasured }

public sealed record GalleryQuery(
    GallerySort Sort = GallerySort.Unit,
    string? Category = null,
    string? Concept = null,
    double? MinIou = null,
    string? Search = null,
    GalleryTrust? Trust = null)
{
    public static readonly GalleryQuery Default = new();

    /// <summary>Builds a query from the raw query-string values; unknown or malformed values fall back to defaults,
    /// so an edited or stale link still opens.</summary>
    public static GalleryQuery From(string? sort, string? cat, string? concept, string? min, string? q, string? trust = null) => new(
        ParseSort(sort),
        Clean(cat),
        Clean(concept),
        double.TryParse(min, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) && double.IsFinite(m) && m > 0 ? m : null,
        Clean(q),
        ParseTrust(trust));

    /// <summary>Parses a query string such as "?sort=iou&amp;cat=object".</summary>
    public static GalleryQuery Parse(string? queryString)
    {
        var d = QueryHelpers.ParseQuery(queryString ?? "");
        string? Get(string k) => d.TryGetValue(k, out var v) ? v.ToString() : null;
        return From(Get("sort"), Get("cat"), Get("concept"), Get("min"), Get("q"), Get("trust"));
    }

    /// <summary>The non-default parts as "?sort=iou&amp;cat=object", or "" when everything is default.</summary>
    public string ToQueryString()
    {
        var parts = new List<string>();
        if (Sort != GallerySort.Unit) parts.Add("sort=" + Sort.ToString().ToLowerInvariant());
        if (Category is not null) parts.Add("cat=" + Uri.EscapeDataString(Category));
        if (Concept is not null) parts.Add("concept=" + Uri.EscapeDataString(Concept));
        if (MinIou is { } m) parts.Add("min=" + m.ToString("0.####", CultureInfo.InvariantCulture));
        if (Search is not null) parts.Add("q=" + Uri.EscapeDataString(Search));
        if (Trust is { } t) parts.Add("trust=" + TrustName(t));
        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }

    /// <summary>Values for NavigationManager.GetUriWithQueryParameters: null removes a parameter.</summary>
    public IReadOnlyDictionary<string, object?> ToParameters() => new Dictionary<string, object?>
    {
        ["sort"] = Sort == GallerySort.Unit ? null : Sort.ToString().ToLowerInvariant(),
        ["cat"] = Category,
        ["concept"] = Concept,
        ["min"] = MinIou?.ToString("0.####", CultureInfo.InvariantCulture),
        ["q"] = Search,
        ["trust"] = Trust is { } t ? TrustName(t) : null,
    };

    /// <summary>The permalink value of a reliability filter: strong, weak, unstable or unmeasured.</summary>
    public static string TrustName(GalleryTrust t) => t == GalleryTrust.NotMeasured ? "unmeasured" : t.ToString().ToLowerInvariant();

    private static GalleryTrust? ParseTrust(string? s) => s?.Trim().ToLowerInvariant() switch
    {
        "strong" => GalleryTrust.Strong,
        "weak" => GalleryTrust.Weak,
        "unstable" => GalleryTrust.Unstable,
        "unmeasured" => GalleryTrust.NotMeasured,
        _ => null,
    };

    private static GallerySort ParseSort(string? s) => s?.Trim().ToLowerInvariant() switch
    {
        "iou" => GallerySort.Iou,
        "concept" or "label" => GallerySort.Concept,
        "lift" => GallerySort.Lift,
        _ => GallerySort.Unit,
    };

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
