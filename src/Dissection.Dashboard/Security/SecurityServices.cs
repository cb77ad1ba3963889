// The dashboard's security in two calls, so the composition root stays short: services (modes, cookie sign-in, access
// checks, limits) and the middleware order (errors, headers, Origin check, authentication, the Shared-mode gate).
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Dissection.Dashboard.Security;

public static class SecurityServices
{
    public static WebApplicationBuilder AddDashboardSecurity(this WebApplicationBuilder builder, string[] args)
    {
        var section = builder.Configuration.GetSection(Services.DashboardOptions.Section);
        builder.Services.Configure<AccessOptions>(section);
        var options = section.Get<AccessOptions>() ?? new AccessOptions();
        // Shared mode listens on the network unless the command line names the addresses; the launch profile's
        // loopback URL is only Local mode's default.
        if (options.Mode == DashboardMode.Shared && !args.Any(a => a.StartsWith("--urls", StringComparison.Ordinal)))
            builder.WebHost.UseUrls(options.SharedUrls);

        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            o.Cookie.Name = "dissection.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.LoginPath = "/login";
            o.LogoutPath = "/logout";
            o.Events.OnRedirectToLogin = context =>
            {
                if (context.Request.Path.StartsWithSegments("/api")) context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                else context.Response.Redirect(context.RedirectUri);
                return Task.CompletedTask;
            };
        });
        builder.Services.AddAuthorization();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<DashboardAccess>();
        builder.Services.AddScoped<GuardedJobs>();
        builder.Services.AddScoped<GuardedUploads>();
        builder.Services.AddScoped<GuardedRunDeletion>();
        builder.Services.AddSingleton<HeavyWork>();
        builder.Services.AddDashboardRateLimits(options);
        return builder;
    }

    /// <summary>Before routing: nothing below runs for a refused request.</summary>
    public static WebApplication UseDashboardSecurity(this WebApplication app)
    {
        var mode = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AccessOptions>>().Value.Mode;
        var hosts = app.Configuration["AllowedHosts"] ?? "*";
        if (mode == DashboardMode.Shared && hosts.Split(';').All(h => h is "localhost" or "127.0.0.1" or "[::1]"))
            app.Logger.LogWarning("Shared mode answers only to the host names {Hosts}: set AllowedHosts to the name users type " +
                                  "(e.g. --AllowedHosts dissect.example.org), or requests by any other name get 400.", hosts);
        // Outside Development an unexpected error is one plain line: no stack trace, no echoed headers or cookies.
        if (!app.Environment.IsDevelopment()) app.UsePlainErrors();
        app.UseSecurityHeaders();
        app.UseOriginCheck();
        app.UseAuthentication();
        app.UseSharedModeGate();
        return app;
    }
}
