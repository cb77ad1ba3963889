// Response headers that keep the browser to what the app itself loads: a Content-Security-Policy listing only our own
// origin (Blazor's script and websocket, MudBlazor's and Plotly's files from _content/, images as data: URLs), no
// MIME sniffing, and no full URL (which holds a view's whole state) leaking to other sites as a Referer.
namespace Dissection.Dashboard.Security;

public static class SecurityHeaders
{
    /// <summary>Inline styles are allowed because MudBlazor and Plotly set style attributes and inject style elements;
    /// scripts come only from our origin (no inline script, no eval). frame-ancestors replaces the policy Blazor's
    /// interactive server mode would add on its own.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; " +
        "form-action 'self'; frame-ancestors 'self'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            headers.XFrameOptions = "SAMEORIGIN";
            return Task.CompletedTask;
        });
        return next(context);
    });
}
