// The read-only REST API (JSON), the gallery image endpoints and the export downloads.
using Dissection.Core.Dissection;
using Dissection.Core.Storage;
using Dissection.Dashboard.Gallery;
using Dissection.Dashboard.Services;
using Microsoft.Net.Http.Headers;

namespace Dissection.Dashboard.Api;

public static class ApiEndpoints
{
    public const int ThumbSize = 112, LargeSize = 224, StripSize = 96, StripCount = 8;

    public static void MapDissectionApi(this IEndpointRouteBuilder app)
    {
        // Renders and reads per user and minute (Shared mode; Security/RateLimits).
        var api = app.MapGroup("/api").RequireRateLimiting(Security.RateLimits.Renders);

        // Runs as the browser may see them: no absolute server path in a model, dataset or message.
        // Shared mode: an anonymous visitor gets the published runs only (the gate lets this list through).
        api.MapGet("/runs", async (ResultsService results, PathPolicy policy, Security.DashboardAccess access) =>
        {
            var visible = new List<RunInfo>();
            foreach (var run in await results.ListRunsAsync())
                if (await access.CanSeeRunAsync(run.Id)) visible.Add(policy.ForBrowser(run));
            return Results.Ok(visible);
        });

        api.MapGet("/runs/{run:long}", async (long run, ResultsService results, PathPolicy policy) =>
        {
            var info = await results.GetRunAsync(run);
            if (info is null) return NotFound($"No run {run}.");
            var layers = await results.GetLayerCountsAsync(info);
            return Results.Ok(new { run = policy.ForBrowser(info), layers });
        });

        api.MapGet("/runs/{run:long}/layers/{layer}/units", async (long run, string layer, ResultsService results) =>
        {
            var info = await results.GetRunAsync(run);
            if (info is null) return NotFound($"No run {run}.");
            var units = await results.GetUnitsAsync(info, layer);
            return units is null ? NotFound($"Run {run} has no layer '{layer}'.") : Results.Ok(units);
        });

        api.MapGet("/runs/{run:long}/layers/{layer}/units/{unit:int}", async (long run, string layer, int unit, ResultsService results) =>
        {
            var (info, u, problem) = await FindUnit(results, run, layer, unit);
            if (problem is not null) return problem;
            return Results.Ok(new
            {
                unit = u!.Unit, u.Threshold, u.Label, u.TopConcepts, u.BestPerCategory,
                detector = u.IsDetector(info!.Settings.IouThreshold),
                u.Reliability,
                trust = u is { Label: { } l, Reliability: { } q } ? RunExport.TrustName(q.Trust(l.Iou)) : null,
                topImages = u.TopImages.Select((t, rank) => new
                {
                    rank, index = t.ImageIndex, t.Path, t.Activation,
                    url = Links.ImagePath(run, layer, unit, rank),
                }),
                u.Histogram,
            });
        });

        api.MapGet("/runs/{run:long}/layers/{layer}/units/{unit:int}/images/{rank:int}.png",
            async (long run, string layer, int unit, int rank, int? size, HttpContext http, ResultsService results, ThumbnailService thumbs) =>
            {
                var info = await results.GetRunAsync(run);
                if (info is null) return NotFound($"No run {run}.");
                var summary = (await results.GetUnitsAsync(info, layer))?.FirstOrDefault(u => u.Unit == unit);
                if (summary is null) return NotFound($"Run {run} has no unit {unit} in layer '{layer}'.");
                var top = await results.GetTopImageAsync(info, layer, unit, rank);
                if (top is null) return NotFound($"Unit {unit} has no top image {rank}.");
                var t = await Task.Run(() => thumbs.Image(info, layer, unit, summary.Threshold, top, ThumbnailService.ClampSize(size, ThumbSize)));
                return Png(http, t);
            });

        api.MapGet("/runs/{run:long}/layers/{layer}/units/{unit:int}/strip.png",
            async (long run, string layer, int unit, int? size, int? count, HttpContext http, ResultsService results, ThumbnailService thumbs) =>
            {
                var (info, u, problem) = await FindUnit(results, run, layer, unit);
                if (problem is not null) return problem;
                if (u!.TopImages.Count == 0) return NotFound($"Unit {unit} has no top images.");
                var t = await Task.Run(() => thumbs.Strip(info!, layer, u, Math.Clamp(count ?? StripCount, 1, 100), ThumbnailService.ClampSize(size, StripSize)));
                return Png(http, t);
            });

        // The same shapes as `dissect export`, restricted to one layer.
        api.MapGet("/runs/{run:long}/layers/{layer}/export.{format:regex(^(csv|json)$)}",
            async (long run, string layer, string format, ResultsService results, StoreAccess store, PathPolicy policy) =>
            {
                var (_, _, problem) = await FindLayer(results, run, layer);
                return problem ?? await Export(store, policy, run, format, layer, $"run{run}-{ExportService.Slug(layer)}.{format}");
            });

        // The whole run as `dissect export` writes it: every layer, the ablations with their group curves, the attack
        // experiments and a generator run's causal experiments.
        api.MapGet("/runs/{run:long}/export.{format:regex(^(csv|json)$)}",
            async (long run, string format, ResultsService results, StoreAccess store, PathPolicy policy) =>
                await results.GetRunAsync(run) is null ? NotFound($"No run {run}.") : await Export(store, policy, run, format, null, $"run{run}.{format}"));

        // The report is written by a job (ReportJobs, started from the run page); this serves the finished file.
        api.MapGet("/runs/{run:long}/report.html", async (long run, ResultsService results, ReportJobs reports) =>
        {
            var info = await results.GetRunAsync(run);
            if (info is null) return NotFound($"No run {run}.");
            var file = reports.File(info);
            if (!File.Exists(file)) return NotFound($"Run {run} has no report yet: write one from its page, /runs/{run}.");
            return Results.File(file, "text/html; charset=utf-8", $"run{run}-report.html");
        });

        api.MapGet("/{**rest}", (string? rest) => NotFound($"No API endpoint '/api/{rest}'."));
    }

    private static async Task<IResult> Export(StoreAccess store, PathPolicy policy, long run, string format, string? layer, string fileName)
    {
        var fmt = format == "csv" ? ExportFormat.Csv : ExportFormat.Json;
        var text = await store.ReadAsync(s =>
        {
            using var w = new StringWriter();
            RunExport.Write(s, run, fmt, w, layer);
            // A CLI run's model and dataset may be absolute server paths: shown relative, as everywhere else.
            return policy.Scrub(w.ToString());
        });
        return Results.File(System.Text.Encoding.UTF8.GetBytes(text), fmt == ExportFormat.Csv ? "text/csv" : "application/json", fileName);
    }

    private static IResult NotFound(string message) => Results.Json(new { error = message }, statusCode: StatusCodes.Status404NotFound);

    private static async Task<(RunInfo?, UnitResult?, IResult?)> FindUnit(ResultsService results, long run, string layer, int unit)
    {
        var info = await results.GetRunAsync(run);
        if (info is null) return (null, null, NotFound($"No run {run}."));
        var u = await results.GetUnitAsync(info, layer, unit);
        return u is null ? (info, null, NotFound($"Run {run} has no unit {unit} in layer '{layer}'.")) : (info, u, null);
    }

    private static async Task<(RunInfo?, IReadOnlyList<GalleryUnit>?, IResult?)> FindLayer(ResultsService results, long run, string layer)
    {
        var info = await results.GetRunAsync(run);
        if (info is null) return (null, null, NotFound($"No run {run}."));
        var units = await results.GetUnitsAsync(info, layer);
        return units is null ? (info, null, NotFound($"Run {run} has no layer '{layer}'.")) : (info, units, null);
    }

    /// <summary>Serves a PNG with its content ETag: 304 when the browser already has it.</summary>
    private static IResult Png(HttpContext http, Thumbnail t)
    {
        var headers = http.Response.Headers;
        headers.ETag = t.ETag;
        // Content-addressed, so a week is safe; placeholders are re-checked so a restored dataset shows up.
        headers.CacheControl = t.IsPlaceholder ? "no-cache" : "public, max-age=604800";
        if (t.Problem is not null) headers["X-Thumbnail-Problem"] = t.Problem.Replace('\n', ' ');
        if (http.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(e => e.Trim() == t.ETag)))
            return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.File(t.Bytes, "image/png");
    }
}
