// ASP.NET Core rate limiting for HTTP endpoints: image renders and the state-changing API per user (or per address when
// not signed in), sign-in attempts per address. Circuit actions use HeavyWork with the same AccessOptions numbers.
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Dissection.Dashboard.Security;

public static class RateLimits
{
    public const string Renders = "renders", Writes = "writes", SignIn = "sign-in";

    public static IServiceCollection AddDashboardRateLimits(this IServiceCollection services, AccessOptions o) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Local mode has one user, the owner: renders and writes are not limited there.
            limiter.AddPolicy(Renders, http => PerMinute(http, o.RendersPerMinute, o.Mode));
            limiter.AddPolicy(Writes, http => PerMinute(http, o.UploadsPerMinute * 3, o.Mode));
            limiter.AddPolicy(SignIn, http => RateLimitPartition.GetFixedWindowLimiter("sign-in:" + Address(http),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = Math.Max(1, o.SignInsPerMinute), Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });

    private static RateLimitPartition<string> PerMinute(HttpContext http, int permits, DashboardMode mode) =>
        mode == DashboardMode.Local ? RateLimitPartition.GetNoLimiter("local") : RateLimitPartition.GetFixedWindowLimiter(Who(http),
            _ => new FixedWindowRateLimiterOptions { PermitLimit = Math.Max(1, permits), Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });

    internal static string Who(HttpContext http) =>
        AccessRules.FromPrincipal(http.User) is { } user ? "user:" + user.Name : "address:" + Address(http);

    private static string Address(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
