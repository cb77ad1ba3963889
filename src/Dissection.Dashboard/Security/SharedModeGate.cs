// Shared mode's door for plain HTTP requests: sign-in pages, static files and Blazor's circuit pass; a run's pages,
// images, exports and API answer 404 to a visitor who may not see the run (an unpublished run does not exist for
// them); the API's run list answers everyone with the runs they may see; every other page sends an anonymous visitor
// to /login and every other API call answers 401. Pages reached
// inside a circuit (in-page navigation) are checked again by the AccessGate component.
using System.Text.RegularExpressions;
using Dissection.Core.Accounts;
using Microsoft.Extensions.Options;

namespace Dissection.Dashboard.Security;

public static partial class SharedModeGate
{
    public static IApplicationBuilder UseSharedModeGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.RequestServices.GetRequiredService<IOptions<AccessOptions>>().Value.Mode != DashboardMode.Shared)
        {
            await next(context);
            return;
        }
        var path = context.Request.Path.Value ?? "/";
        var access = context.RequestServices.GetRequiredService<DashboardAccess>();
        switch (Classify(path, context.Request.Method))
        {
            case Door.Open:
                break;
            case Door.Run when RunId(path) is { } run:
                if (!await access.CanSeeRunAsync(run))
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    context.Response.ContentType = "text/plain; charset=utf-8";
                    await context.Response.WriteAsync($"There is no run #{run}.");
                    return;
                }
                break;
            default:
                var user = await access.UserAsync();
                if (user is not null && LeastRole(path) is { } least && !AccessRules.Has(user, least))
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    context.Response.ContentType = "text/plain; charset=utf-8";
                    await context.Response.WriteAsync($"This page needs the {DashboardRoles.Name(least)} role.");
                    return;
                }
                if (user is null)
                {
                    if (path.StartsWith("/api/", StringComparison.Ordinal) || !HttpMethods.IsGet(context.Request.Method))
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    else
                        context.Response.Redirect("/login?returnUrl=" + Uri.EscapeDataString(path + context.Request.QueryString));
                    return;
                }
                break;
        }
        await next(context);
    });

    internal enum Door { Open, Run, SignedIn }

    /// <summary>Which rule a path falls under. Run pages that only read are open to published runs; the ablation
    /// playground (heavy work) needs an account.</summary>
    internal static Door Classify(string path, string method)
    {
        if (path is "/login" or "/logout" || path.StartsWith("/_blazor", StringComparison.Ordinal)
            || path.StartsWith("/_framework/", StringComparison.Ordinal) || path.StartsWith("/_content/", StringComparison.Ordinal)
            || path.StartsWith("/css/", StringComparison.Ordinal) || path.StartsWith("/js/", StringComparison.Ordinal)
            || path.StartsWith("/favicon", StringComparison.Ordinal))
            return Door.Open;
        if (RunId(path) is not null && !path.EndsWith("/ablate", StringComparison.Ordinal)
            && (HttpMethods.IsGet(method) || HttpMethods.IsHead(method)))
            return Door.Run;
        // The run list answers everyone; the endpoint lists only the runs the visitor may see (the published ones).
        if (path is "/api/runs" or "/api/runs/" && (HttpMethods.IsGet(method) || HttpMethods.IsHead(method)))
            return Door.Open;
        return Door.SignedIn;
    }

    /// <summary>The role a signed-in user needs for a page beyond viewing: the attack page and the ablation
    /// playground start heavy work (viewers browse, try samples and paint with the GAN).</summary>
    internal static DashboardRole? LeastRole(string path) =>
        path == "/attack" || path.StartsWith("/attack/", StringComparison.Ordinal) || path.EndsWith("/ablate", StringComparison.Ordinal)
            ? DashboardRole.Editor : null;

    /// <summary>The run of /runs/{id}/... and /api/runs/{id}/... (reading paths only).</summary>
    internal static long? RunId(string path) =>
        RunPath().Match(path) is { Success: true } m && long.TryParse(m.Groups[1].Value, out var id) ? id : null;

    [GeneratedRegex(@"^(?:/api)?/runs/(\d{1,18})(?:/|$)")]
    private static partial Regex RunPath();
}
