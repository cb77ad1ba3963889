// The answer to an unexpected server error outside Development: status 500 and one plain sentence. The developer
// exception page (stack trace, every request header and cookie echoed back) is never shown to a browser.
using Microsoft.AspNetCore.Diagnostics;

namespace Dissection.Dashboard.Security;

public static class PlainErrors
{
    public static IApplicationBuilder UsePlainErrors(this IApplicationBuilder app) =>
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = async context =>
            {
                var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Dissection.Dashboard.Errors")
                    .LogError(error, "Unhandled error on {Path}", context.Request.Path);
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync("The server could not answer this request. The error is in the dashboard's log.");
            },
        });
}
