// The state-changing HTTP API, for scripts and for a class's shared server: start a run, cancel a run's or any job,
// save, list and delete uploads, publish and delete a run. Each goes through GuardedJobs, GuardedUploads or
// GuardedRunDeletion, the same checks the pages' buttons use, so a request sent by hand meets the same rules as a
// click. Refusals: 401 (sign in), 403 (role or ownership), 404 (nothing of yours there), 409 (a run's job still runs),
// 429 (limits).
using Dissection.Core.Work;
using Dissection.Core.Datasets;
using Dissection.Core.Jobs;
using Dissection.Core.Storage;
using Dissection.Dashboard.Security;
using Dissection.Dashboard.Services;

namespace Dissection.Dashboard.Api;

public static class JobEndpoints
{
    public static void MapJobApi(this IEndpointRouteBuilder app)
    {
        // The uploads page's numbers: the user's uploads (an admin: everyone's), their use and quota in bytes.
        app.MapGet("/api/uploads", (GuardedUploads uploads) => Guard(async () =>
        {
            var view = await uploads.ListAsync();
            return Results.Ok(new
            {
                usedBytes = view.UsedBytes, quotaBytes = view.QuotaBytes,
                uploads = view.Uploads.Select(u => new { id = u.Id, owner = u.Owner, name = u.Name, bytes = u.Bytes, createdUtc = u.CreatedUtc }),
            });
        }));

        var api = app.MapGroup("/api").RequireRateLimiting(RateLimits.Writes).DisableAntiforgery();

        api.MapPost("/runs", (NewRunRequest request, GuardedJobs jobs) =>
            Guard(async () => Results.Created($"/api/runs/{await jobs.StartRunAsync(request)}", null)));

        api.MapPost("/runs/{run:long}/cancel", (long run, GuardedJobs jobs) =>
            Guard(async () => Results.Ok(new { cancelled = await jobs.CancelRunAsync(run) })));

        api.MapPost("/jobs/{job:long}/cancel", (long job, GuardedJobs jobs) =>
            Guard(async () => Results.Ok(new { cancelled = await jobs.CancelJobAsync(job) })));

        api.MapPost("/runs/{run:long}/publish", (long run, bool? published, GuardedJobs jobs) =>
            Guard(async () => { await jobs.PublishAsync(run, published ?? true); return Results.Ok(new { published = published ?? true }); }));

        api.MapDelete("/runs/{run:long}", (long run, GuardedRunDeletion runs) =>
            Guard(async () => await runs.DeleteRunAsync(run) ? Results.Ok(new { deleted = true }) : NoSuchRun(run)));

        // An editor deletes their own upload; an admin anyone's, named by ?owner= (as GET /api/uploads lists it).
        api.MapDelete("/uploads/{id}", (string id, string? owner, GuardedUploads uploads) =>
            Guard(async () => await uploads.DeleteUploadAsync(id, owner)
                ? Results.Ok(new { deleted = true }) : Results.Problem($"There is no saved upload '{Shorten(id)}' of yours.", statusCode: 404)));

        // The image is the request body (at most the upload limit), named by the optional ?name=.
        api.MapPost("/uploads", (HttpRequest http, string? name, GuardedUploads uploads) => Guard(async () =>
        {
            if (http.ContentLength is > ImageUpload.MaxBytes) return Results.Problem("The image is larger than the upload limit.", statusCode: 413);
            using var body = new MemoryStream();
            await http.Body.CopyToAsync(body);
            if (body.Length > ImageUpload.MaxBytes) return Results.Problem("The image is larger than the upload limit.", statusCode: 413);
            var bytes = body.ToArray();
            var shown = Path.GetFileName(name ?? "upload");
            var id = await uploads.SaveUploadAsync(new UploadedImage(bytes, ImageUpload.Check(bytes, shown), shown));
            return Results.Ok(new { id });
        }));
    }

    private static IResult NoSuchRun(long run) => Results.Problem($"There is no run #{run}.", statusCode: 404);

    private static string Shorten(string s) => s.Length <= 24 ? s : s[..24] + "…";

    private static async Task<IResult> Guard(Func<Task<IResult>> action)
    {
        try { return await action(); }
        catch (AccessDeniedException e) { return Results.Problem(e.Message, statusCode: e.SignedIn ? 403 : 401); }
        catch (RunInUseException e) { return Results.Problem(e.Message, statusCode: 409); }
        catch (BadImageException e) { return Results.Problem(BrowserImageUpload.Describe(e), statusCode: 400); }
        catch (Exception e) when (e is PathNotAllowedException or JobParameterException or ArgumentException)
        {
            return Results.Problem(JobQueue.Describe(e), statusCode: 400);
        }
    }
}
