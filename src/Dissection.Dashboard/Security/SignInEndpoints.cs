// Shared mode's sign-in: a plain HTML form at /login (no script, so it works before any circuit and under the CSP),
// POST /login checks the password with UserAccounts and sets the authentication cookie, POST /logout clears it.
// Failed attempts are rate limited per address (policy "sign-in").
using System.Net;
using Dissection.Core.Accounts;
using Dissection.Dashboard.Services;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Dissection.Dashboard.Security;

public static class SignInEndpoints
{
    public static void MapSignIn(this IEndpointRouteBuilder app)
    {
        app.MapGet("/login", (string? returnUrl, string? failed) =>
            Results.Content(Page(SafeReturn(returnUrl), failed is not null), "text/html; charset=utf-8"));

        app.MapPost("/login", async (HttpContext http, StoreAccess store) =>
        {
            var form = await http.Request.ReadFormAsync();
            string name = form["name"].ToString().Trim(), password = form["password"].ToString();
            var returnUrl = SafeReturn(form["returnUrl"].ToString());
            var user = await store.ReadAsync(s => UserAccounts.Verify(s, name, password));
            if (user is null)
                return Results.Redirect($"/login?failed=1&returnUrl={Uri.EscapeDataString(returnUrl)}");
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
                AccessRules.Principal(user, CookieAuthenticationDefaults.AuthenticationScheme));
            return Results.Redirect(returnUrl);
        }).RequireRateLimiting(RateLimits.SignIn);

        app.MapPost("/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/login");
        });
    }

    /// <summary>Only a path on this site: no scheme, no "//host", no "/\host".</summary>
    internal static string SafeReturn(string? url) =>
        string.IsNullOrEmpty(url) || !url.StartsWith('/') || (url.Length > 1 && url[1] is '/' or '\\') || url.Any(char.IsControl) ? "/" : url;

    private static string Page(string returnUrl, bool failed) => $"""
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Sign in · Dissection</title></head>
        <body style="font-family:system-ui,sans-serif;display:flex;justify-content:center;padding-top:10vh;background:#f5f5f5">
        <main style="background:#fff;padding:32px 40px;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.2);min-width:300px">
        <h1 style="font-size:22px;font-weight:500;margin:0 0 16px">Sign in to Dissection Dashboard</h1>
        {(failed ? "<p id=\"login-failed\" role=\"alert\" style=\"color:#b00020\">The name or password is wrong.</p>" : "")}
        <form method="post" action="/login">
        <input type="hidden" name="returnUrl" value="{WebUtility.HtmlEncode(returnUrl)}">
        <p><label for="name">Name</label><br><input id="name" name="name" autocomplete="username" required style="width:100%;padding:6px"></p>
        <p><label for="password">Password</label><br><input id="password" name="password" type="password" autocomplete="current-password" required style="width:100%;padding:6px"></p>
        <p><button id="login-submit" type="submit" style="padding:8px 20px">Sign in</button></p>
        </form>
        <p style="font-size:13px;color:#666">A published run opens from its link without an account.</p>
        </main></body></html>
        """;
}
