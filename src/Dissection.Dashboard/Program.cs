// Composition root of the dashboard: settings, services, the job host, static files, API and Blazor endpoints.
using Dissection.Dashboard.Api;
using Dissection.Dashboard.Components;
using Dissection.Dashboard.Security;
using Dissection.Dashboard.Services;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

var builder = WebApplication.CreateBuilder(args);
// MudBlazor's and Plotly's files under _content/ are served from the build output in every environment, so the
// documented `dotnet run` works in Production (its default; see Properties/launchSettings.json).
builder.WebHost.UseStaticWebAssets();
// A shared view's state lives in its URL; past Links.MaxDirectLink "Copy link" hands out a short link whose redirect
// still lands on the long URL, so the server takes request lines (and Referer headers) far past Kestrel's 8 KB.
builder.WebHost.ConfigureKestrel(o =>
{
    o.Limits.MaxRequestLineSize = 64 * 1024;
    o.Limits.MaxRequestHeadersTotalSize = 192 * 1024;
});

builder.Services.Configure<DashboardOptions>(builder.Configuration.GetSection(DashboardOptions.Section));
// Local (loopback, no sign-in) or Shared (network, cookie sign-in, roles, limits): Security/.
builder.AddDashboardSecurity(args);
// Lists from appsettings are merged with overrides by index; an empty list means the defaults.
builder.Services.PostConfigure<DashboardOptions>(o =>
{
    if (o.DataFolders.Count == 0) o.DataFolders.Add("data");
    if (o.ModelFolders.Count == 0) o.ModelFolders.Add("data/models");
});
builder.Services.AddSingleton(sp => new RepoPaths(
    RepoPaths.FindRoot(builder.Environment.ContentRootPath, AppContext.BaseDirectory),
    sp.GetRequiredService<IOptions<DashboardOptions>>().Value));
builder.Services.AddSingleton<PathPolicy>();
builder.Services.AddSingleton<StoreAccess>();
// Interactive requests (GAN edits, probes, attacks, the ablation playground) come before the queue's jobs on the CPU.
builder.Services.AddSingleton<Dissection.Core.Work.InteractivePriority>();
builder.Services.AddMemoryCache();
builder.Services.AddSingleton<ResultsService>();
builder.Services.AddSingleton<CompareService>();
builder.Services.AddSingleton<ThumbnailService>();
builder.Services.AddSingleton<ExportService>();
builder.Services.AddSingleton<LearnService>();
builder.Services.AddSingleton<ReportJob>();
builder.Services.AddSingleton<ReportJobs>();
builder.Services.AddSingleton<AblationService>();
builder.Services.AddSingleton<ModelCatalog>();
builder.Services.AddSingleton<AttackService>();
builder.Services.AddSingleton<TryImageService>();
builder.Services.AddSingleton<GanPlaygroundService>();
// Per circuit: each browser's strokes and cached features are its own.
builder.Services.AddScoped<GanPlaygroundSession>();
builder.Services.AddScoped<BrowserSession>();
builder.Services.AddSingleton(sp => new DashboardCluster(Dissection.Cluster.ClusterSettings.From(builder.Configuration),
    sp.GetRequiredService<ILogger<DashboardCluster>>()));
builder.Services.AddSingleton<JobQueue>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<JobQueue>());
builder.Services.AddSingleton<IDemoBootstrap, WorldDemoBootstrap>();
builder.Services.AddHostedService<DemoStartup>();

// The REST API speaks words for enums ("status":"done"), the same camel case the export and the store use, and
// describes itself with OpenAPI at /openapi/v1.json.
builder.Services.ConfigureHttpJsonOptions(o =>
    o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));
builder.Services.AddOpenApi();

// NotFoundStatus sets 404 on the prerendered response of a page that shows "not found".
builder.Services.AddHttpContextAccessor();
// A chart's first plot loads Plotly (about 5 MB of script) through JS interop. On a busy 2-core machine with many
// browser sessions that call can pass Blazor's default limit of one minute, which ends the whole circuit and leaves
// the page dead (seen with 20 parallel sessions in CI). Three minutes keep a slow first chart a slow one.
builder.Services.AddRazorComponents().AddInteractiveServerComponents(o => o.JSInteropDefaultCallTimeout = TimeSpan.FromMinutes(3));
builder.Services.AddMudServices(c =>
{
    c.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomRight;
    c.SnackbarConfiguration.VisibleStateDuration = 4000;
});

var app = builder.Build();
var paths = app.Services.GetRequiredService<RepoPaths>();
Dissection.Dashboard.Security.ServerPathText.Configure(app.Services.GetRequiredService<PathPolicy>().Show);
app.Logger.LogInformation("Repository root {Root}; results database {Database}", paths.Root, paths.Database);

// Errors, headers, Origin check, sign-in and the Shared-mode gate (Security/SecurityServices).
app.UseDashboardSecurity();
app.UseVersionedAssetCaching();
app.UseRouting();
app.UseAuthorization();
app.UseRateLimiter();
app.UseAntiforgery();
// Every static file (ours from the top-level wwwroot/, MudBlazor's, Plotly's): compressed at build,
// ETags, fingerprinted URLs through @Assets[...] in App.razor.
app.MapStaticAssets();
app.MapDissectionApi();
app.MapJobApi();
app.MapSignIn();
app.MapOpenApi();
// Our SecurityHeaders carry frame-ancestors in the one full policy.
app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
app.Run();

public partial class Program { }
