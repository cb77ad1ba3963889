// Refuses requests that a page on another site makes the browser send: Blazor's circuit (/_blazor negotiate and its
// websocket, which browsers open across origins without asking) and every state-changing request (POST, PUT, DELETE).
// With AllowedHosts limited to the names the dashboard is reached by, this defeats DNS rebinding (a foreign Host) and
// cross-site websocket hijacking (a foreign Origin) alike. Requests without Origin come from non-browser clients.
namespace Dissection.Dashboard.Security;

public static class OriginCheck
{
    public static IApplicationBuilder UseOriginCheck(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (Guarded(request) && !SameOrigin(request))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("Refused: this request came from a page of another site.");
            return;
        }
        await next(context);
    });

    internal static bool Guarded(HttpRequest request) =>
        request.Path.StartsWithSegments("/_blazor") || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)
                                                         || HttpMethods.IsOptions(request.Method));

    /// <summary>True when the Origin (if any) names the host the request was sent to; "null" origins (sandboxed frames,
    /// file: pages) and a cross-site fetch without Origin are refused.</summary>
    internal static bool SameOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (string.IsNullOrEmpty(origin))
            return request.Headers["Sec-Fetch-Site"].ToString() is not ("cross-site" or "same-site");
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) return false;
        var host = request.Host;
        if (!host.HasValue) return false;
        // Authority only: behind a TLS proxy the request's scheme is http while the page's is https.
        var originAuthority = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        var requestAuthority = host.Port is null or 80 or 443 ? host.Host : $"{host.Host}:{host.Port}";
        return string.Equals(originAuthority.Trim('[', ']'), requestAuthority.Trim('[', ']'), StringComparison.OrdinalIgnoreCase)
               || string.Equals(uri.Authority, host.Value, StringComparison.OrdinalIgnoreCase);
    }
}
