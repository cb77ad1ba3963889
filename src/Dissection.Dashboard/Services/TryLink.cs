// The /try page's URL, built and read in one place: the page reads its state here and writes every change back through
// Build, and every link to the page is built here. A number that does not read (`image=99999999999`) is dropped and
// named in the notice (QueryNumbers), so the rest of the link still shows.
using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;

namespace Dissection.Dashboard.Services;

/// <summary>What a /try link holds: the run and layer, and one image source (a sample photo, a dataset image by index,
/// or a saved upload's id). Null fields are left out of the link.</summary>
public sealed record TryState(long? Run = null, string? Layer = null, string? Sample = null, int? Image = null, string? Upload = null);

public static class TryLink
{
    public const string Path = "/try";

    public static string Build(TryState s) => QueryLink.Build(Path,
        ("run", s.Run?.ToString(CultureInfo.InvariantCulture)), ("layer", s.Layer), ("sample", s.Sample),
        ("image", s.Image?.ToString(CultureInfo.InvariantCulture)), ("upload", s.Upload));

    /// <summary>The state from the page's query values as they arrive, with a notice naming each number that did not read.</summary>
    public static (TryState State, string? Notice) Read(string? run, string? layer, string? sample, string? image, string? upload)
    {
        var (r, i) = (QueryNumbers.Long(run), QueryNumbers.Int(image));
        return (new TryState(r, layer, sample, i, upload), QueryNumbers.Notice(("run", run, r is not null), ("image", image, i is not null)));
    }

    /// <summary>Reads a link (path and query, or a whole URL).</summary>
    public static (TryState State, string? Notice) Parse(string url)
    {
        var q = QueryLink.Query(url);
        return Read(q("run"), q("layer"), q("sample"), q("image"), q("upload"));
    }
}

/// <summary>The plumbing the page kinds' links share: a query built from named values (null left out, each escaped),
/// and a query read back by name.</summary>
public static class QueryLink
{
    public static string Build(string path, params (string Name, string? Value)[] values)
    {
        var query = string.Join('&', values.Where(v => v.Value is not null).Select(v => $"{v.Name}={Uri.EscapeDataString(v.Value!)}"));
        return query.Length == 0 ? path : path + "?" + query;
    }

    /// <summary>The query of a link as a lookup by name (the first value; null when absent).</summary>
    public static Func<string, string?> Query(string url)
    {
        var at = url.IndexOf('?');
        var query = at < 0 ? "" : url[at..].Split('#')[0];
        var parsed = QueryHelpers.ParseQuery(query);
        return name => parsed.TryGetValue(name, out var v) && v.Count > 0 ? v[0] : null;
    }

    /// <summary>The path of a link without query or fragment.</summary>
    public static string PathOf(string url)
    {
        var path = url.Split('?', '#')[0];
        return Uri.TryCreate(path, UriKind.Absolute, out var abs) && abs.Scheme is "http" or "https" ? abs.AbsolutePath : path;
    }
}
