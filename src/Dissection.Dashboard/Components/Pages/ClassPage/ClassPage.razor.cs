// The class page: how much one class depends on single units (its important units, with their labels and images)
// and the two group-ablation curves. The layer rides in the URL (?layer=) so the page is a permalink.
using System.Globalization;
using Dissection.Dashboard.Ablation;
using Dissection.Dashboard.Charts;
using Dissection.Dashboard.Services;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Dissection.Dashboard.Components.Pages;

public sealed partial class ClassPage
{
    [Parameter] public long Run { get; set; }
    [Parameter] public string ClassName { get; set; } = "";
    [SupplyParameterFromQuery(Name = "layer")] public string? LayerQuery { get; set; }

    [Inject] private AblationService Ablations { get; set; } = default!;
    [Inject] private ResultsService Results { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;

    private ClassView? _view;
    private string? _notFound;
    /// <summary>Set when the run (or the asked layer) has no ablation yet: the page offers to make it, pre-filled.</summary>
    private (string Message, string? Layer)? _missing;
    private List<BreadcrumbItem> _crumbs = [];
    private Figure? _curve;

    private string Metric => _view?.Ablation.Labelled == false ? "agreement (balanced)" : "balanced accuracy";

    protected override async Task OnParametersSetAsync()
    {
        _notFound = null;
        _missing = null;
        _view = null;
        var run = await Results.GetRunAsync(Run);
        if (run is null)
        {
            _notFound = $"There is no run #{Run} in this results database.";
            return;
        }
        var ablated = await Ablations.ListAsync(Run);
        if (ablated.Count == 0)
        {
            var layer = LayerQuery is not null && run.Layers.Contains(LayerQuery) ? LayerQuery : run.Layers.LastOrDefault();
            _missing = ($"Run #{Run} has no ablation results yet, so the importance of its units for class '{ClassName}' is unknown. " +
                        "Ablating a layer switches each of its units off in turn and measures every class's accuracy.", layer);
            return;
        }
        if (LayerQuery is not null && ablated.All(a => a.Layer != LayerQuery))
        {
            if (run.Layers.Contains(LayerQuery))
                _missing = ($"Layer '{LayerQuery}' of run #{Run} was not ablated yet (ablated: {string.Join(", ", ablated.Select(a => a.Layer))}).", LayerQuery);
            else
                _notFound = $"Run #{Run} has no layer '{LayerQuery}' (layers: {string.Join(", ", run.Layers)}).";
            return;
        }
        _view = await Ablations.GetClassViewAsync(Run, ClassName, LayerQuery);
        if (_view is null)
        {
            var a = await Ablations.GetAsync(Run, LayerQuery ?? ablated[^1].Layer);
            _notFound = $"The model of run #{Run} has no class '{ClassName}'" +
                        (a is null ? "." : $" (classes: {string.Join(", ", a.Classes.Take(12))}{(a.Classes.Count > 12 ? ", ..." : "")}).");
            return;
        }
        _crumbs = [new("Runs", "/"), new(run.Name, Links.Run(Run)), new($"class {_view.Class.Name}", null, disabled: true)];
        if (_view.Curve is { } curve)
        {
            _curve = AblationCharts.GroupCurves(curve, _view.Class.Baseline, Metric);
        }
    }

    private void ChangeLayer(string layer) => Nav.NavigateTo(AblationLinks.Class(Run, ClassName, layer));

    private static string F(double v) => double.IsFinite(v) ? v.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";
}
