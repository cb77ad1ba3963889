// A concept across the run: every unit in every layer whose label it is, best IoU first.
using Dissection.Core.Storage;
using Dissection.Dashboard.Services;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Dissection.Dashboard.Components.Pages;

public sealed partial class ConceptPage
{
    [Parameter] public long Run { get; set; }
    [Parameter] public string Concept { get; set; } = "";
    [Inject] private ResultsService Results { get; set; } = default!;

    private RunInfo? _run;
    private IReadOnlyList<LayerUnit>? _units;
    private int _layerCount;
    private string? _notFound;
    private List<BreadcrumbItem> _crumbs = [];

    protected override async Task OnParametersSetAsync()
    {
        _run = await Results.GetRunAsync(Run);
        if (_run is null)
        {
            _notFound = $"There is no run #{Run} in this results database.";
            return;
        }
        _notFound = null;
        _layerCount = (await Results.GetLayerNamesAsync(_run)).Count;
        _units = await Results.UnitsWithConceptAsync(_run, Concept);
        _crumbs = [new("Runs", "/"), new(_run.Name, Links.Run(Run)), new("concept: " + Concept, null, disabled: true)];
    }
}
