// A run at a glance: detectors per category per layer (stacked bars), layer links, exports, common concepts.
using Dissection.Core.Storage;
using Dissection.Dashboard.Charts;
using Dissection.Dashboard.Gallery;
using Dissection.Dashboard.Services;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Dissection.Dashboard.Components.Pages;

public sealed partial class RunOverview : IDisposable
{
    [Parameter] public long Run { get; set; }
    [Inject] private ResultsService Results { get; set; } = default!;

    private RunInfo? _run;
    private bool _notFound;
    private string? _problem;
    private IReadOnlyList<LayerCategoryCounts>? _layers;
    private IReadOnlyList<ConceptCount> _topConcepts = [];
    private Figure? _stack;
    private List<BreadcrumbItem> _crumbs = [];
    private IReadOnlyList<(string Title, Figure Figure)> _ganCharts = [];
    private Timer? _timer;

    protected override async Task OnParametersSetAsync()
    {
        _timer?.Dispose();
        await Load();
        if (_run is { Status: RunStatus.Queued or RunStatus.Running })
            _timer = new Timer(_ => _ = InvokeAsync(Poll), null, 500, 500);
    }

    private async Task Poll()
    {
        var was = _run?.Status;
        _run = await Results.GetRunAsync(Run);
        if (_run?.Status != was && _run?.Status == RunStatus.Done) await Load();
        if (_run is not { Status: RunStatus.Queued or RunStatus.Running }) _timer?.Dispose();
        StateHasChanged();
    }

    private async Task Load()
    {
        try
        {
            _run = await Results.GetRunAsync(Run);
            _notFound = _run is null;
            if (_run is null) return;
            _crumbs = [new("Runs", "/"), new(_run.Name, null, disabled: true)];
            _layers = await Results.GetLayerCountsAsync(_run);
            _stack = ChartFactory.DetectorsPerLayer(_layers);
            var all = new List<GalleryUnit>();
            foreach (var l in _layers) all.AddRange(await Results.GetUnitsAsync(_run, l.Layer) ?? []);
            _topConcepts = ConceptHistogram.Count(all).Take(40).ToList();
            var (removals, contexts) = await Results.GetGanExperimentsAsync(Run);
            _ganCharts =
            [
                .. removals.Select(r => ($"Removing {r.Curve.ConceptName}: {r.Curve.Layer}, {r.Curve.Samples} samples", GanExperimentCharts.Removal(r.Curve))),
                .. contexts.Select(c => ($"Inserting {c.Result.ConceptName} by context: {c.Result.Layer}, {c.Result.Units.Count} units, {c.Result.Samples} samples", GanExperimentCharts.Context(c.Result))),
            ];
        }
        catch (Exception e)
        {
            _problem = "Cannot read this run: " + JobQueue.Describe(e);
        }
    }

    /// <summary>"Compare this layer with…": against the run's last layer (its first, for the last one), changeable on the page.</summary>
    private string CompareLink(string layer)
    {
        var other = _layers is { Count: > 1 } ls ? (ls[^1].Layer == layer ? ls[0].Layer : ls[^1].Layer) : layer;
        return Gallery.CompareLink.Build(new Gallery.LayerRef(Run, layer), new Gallery.LayerRef(Run, other));
    }

    private bool IsGenerator => _run is not null && ResultsService.IsGenerator(_run);

    public void Dispose() => _timer?.Dispose();
}
