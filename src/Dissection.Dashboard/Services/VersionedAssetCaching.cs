// Plotly.Blazor loads its scripts itself, by names that carry their version (plotly-3.7.0.min.js,
// plotly-interop-7.2.0.js) but not the build's fingerprint, so MapStaticAssets answers them with "no-cache" and every
// visit revalidates 1.5 MB of gzip. A new package version means a new name, so these names are as good as a
// fingerprint: let browsers keep them for a year.
namespace Dissection.Dashboard.Services;

public static class VersionedAssetCaching
{
    public const string Immutable = "public, max-age=31536000, immutable";

    /// <summary>True for a package script whose file name ends in a version: -1.2.3.js or -1.2.3.min.js.</summary>
    public static bool IsVersioned(string path) =>
        path.StartsWith("/_content/Plotly.Blazor/", StringComparison.Ordinal) &&
        System.Text.RegularExpressions.Regex.IsMatch(path, @"-\d+(\.\d+)+(\.min)?\.js$");

    public static IApplicationBuilder UseVersionedAssetCaching(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        if (IsVersioned(http.Request.Path.Value ?? ""))
            http.Response.OnStarting(() =>
            {
                if (http.Response.StatusCode is StatusCodes.Status200OK or StatusCodes.Status304NotModified)
                    http.Response.Headers.CacheControl = Immutable;
                return Task.CompletedTask;
            });
        return next(http);
    });
}
