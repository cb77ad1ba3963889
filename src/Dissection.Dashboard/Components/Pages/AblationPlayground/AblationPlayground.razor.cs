// The ablation playground: choose units (one by one or all units of a concept), measure every class with them
// removed. The evaluation runs off the render thread, reports progress, can be cancelled, and a new one cancels the
// previous (one evaluation per circuit). The selection lives in ?units= so a link reproduces it.
using System.Globalization;
using Dissection.Core.Dissection;
using Dissection.Core.Storage;
using Dissection.Dashboard.Ablation;
using Dissection.Dashboard.Services;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using Dissection.Core.Work;

namespace Dissection.Dashboard.Components.Pages;

public sealed partial class AblationPlayground : IDisposable
{
    [Parameter] public long Run { get; set; }
    [Parameter] public string Layer { get; set; } = "";
    [SupplyParameterFromQuery(Name = "units")] public string? UnitsQuery { get; set; }

    [Inject] private AblationService Ablations { get; set; } = default!;
    [Inject] private ResultsService Results { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;
    [Inject] private Security.DashboardAccess Access { get; set; } = default!;
    [Inject] private Security.HeavyWork Heavy { get; set; } = default!;

    /// <summary>Rows of the class table; a 1000-class model lists its most hurt classes only.</summary>
    private const int MaxRows = 100;

    private sealed record PickerUnit(int Unit, string? Label);

    private RunInfo? _run;
    private IReadOnlyList<PickerUnit>? _units;
    private IReadOnlyList<(string Name, int Count)> _concepts = [];
    private string? _concept;
    private SortedSet<int> _selected = [];
    private string? _notFound, _error;
    private List<BreadcrumbItem> _crumbs = [];
    private PlaygroundResult? _result;
    private bool _running;
    private double _progress;
    private string _progressText = "";
    private CancellationTokenSource? _cts;
    private string? _measuredFor;
    private bool _selfNavigation;
    /// <summary>Images the measurement uses: counted from the dataset before the first one, then as measured.</summary>
    private int? _images;

    private string ImagesText => _images is { } n ? $"{n:N0} images" : $"up to {AblationService.PlaygroundImages:N0} images";

    protected override async Task OnParametersSetAsync()
    {
        if (_selfNavigation)
        {
            _selfNavigation = false;   // our own link update: the selection is already here
            return;
        }
        _notFound = null;
        _run = await Results.GetRunAsync(Run);
        if (_run is null)
        {
            _notFound = $"There is no run #{Run} in this results database.";
            return;
        }
        var summaries = await Results.GetUnitsAsync(_run, Layer);
        if (summaries is not null)
            _units = summaries.OrderBy(u => u.Unit).Select(u => new PickerUnit(u.Unit, u.Concept)).ToList();
        else if (await Ablations.GetAsync(Run, Layer) is { } a)
            _units = a.Units.Select(u => new PickerUnit(u.Unit, null)).ToList();
        else
        {
            _notFound = $"Layer '{Layer}' of run #{Run} was neither dissected nor ablated, so its units are unknown here. " +
                        $"Run 'dissect ablate --run {Run} --layer {Layer}' first.";
            return;
        }
        _concepts = _units.Where(u => u.Label is not null).GroupBy(u => u.Label!)
            .Select(g => (g.Key, g.Count())).OrderByDescending(g => g.Item2).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        _crumbs = [new("Runs", "/"), new(_run.Name, Links.Run(Run)), new(Layer, Links.Layer(Run, Layer)), new("ablate", null, disabled: true)];

        _images = _result?.Images ?? await Ablations.PlaygroundImageCountAsync(_run, Layer);
        var count = _units.Count == 0 ? 0 : _units.Max(u => u.Unit) + 1;
        _selected = new SortedSet<int>(AblationViews.ParseUnits(UnitsQuery, count));
        // A permalink with units measures on arrival (once per selection).
        var key = AblationViews.FormatUnits(_selected);
        if (_selected.Count > 0 && key != _measuredFor) _ = Measure();
    }

    private void Toggle(int unit, bool on)
    {
        if (on) _selected.Add(unit); else _selected.Remove(unit);
        UpdateLink();
    }

    private void AddConcept()
    {
        if (_concept is null || _units is null) return;
        foreach (var u in _units.Where(u => u.Label == _concept)) _selected.Add(u.Unit);
        UpdateLink();
    }

    private void ClearSelection()
    {
        _selected.Clear();
        UpdateLink();
    }

    /// <summary>Keeps the URL in step with the selection without a reload (replace: the back button skips each click).</summary>
    private void UpdateLink()
    {
        _selfNavigation = true;
        Nav.NavigateTo(AblationLinks.Playground(Run, Layer, _selected), replace: true);
    }

    private async Task Measure()
    {
        if (_run is null || _selected.Count == 0) return;
        _cts?.Cancel();
        var cts = _cts = new CancellationTokenSource();
        var units = _selected.ToList();
        _measuredFor = AblationViews.FormatUnits(units);
        _running = true;
        _error = null;
        _progress = 0;
        _progressText = "loading the model and the images...";
        StateHasChanged();
        var lastPaint = DateTime.MinValue;
        var progress = new Progress<DissectionProgress>(p =>
        {
            _progress = p.Fraction;
            _progressText = $"{p.Done}/{p.Total} images ({p.ImagesPerSecond:F0}/s)";
            if ((DateTime.UtcNow - lastPaint).TotalMilliseconds > 150 || p.Done >= p.Total)
            {
                lastPaint = DateTime.UtcNow;
                _ = InvokeAsync(StateHasChanged);
            }
        });
        try
        {
            // Heavy work: the editor role, a per-user budget and the cap on heavy work at once (Shared mode).
            await Access.RequireAsync(Dissection.Core.Accounts.DashboardRole.Editor, "measure ablations");
            using var lease = await Heavy.AcquireAsync(Security.HeavyKind.Probe, await Access.RequesterAsync(), cts.Token);
            var result = await Ablations.EvaluateAsync(_run, Layer, units, progress, cts.Token);
            if (cts == _cts) (_result, _images) = (result, result.Images);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            if (cts == _cts) _progressText = "cancelled";
        }
        catch (Security.AccessDeniedException e) { if (cts == _cts) _error = e.Message; }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or InvalidOperationException
                                  or Dissection.Core.Datasets.DatasetFormatException or Dissection.Core.Models.CheckpointMismatchException)
        {
            if (cts == _cts) _error = e.Message;
        }
        finally
        {
            if (cts == _cts) _running = false;
        }
        StateHasChanged();
    }

    private void Cancel() => _cts?.Cancel();

    public void Dispose() => _cts?.Cancel();

    private static string F(double v) => double.IsFinite(v) ? v.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";
    private static string P(double v) => double.IsFinite(v) ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %" : "n/a";
    private static string Signed(double v) => double.IsFinite(v) ? (v * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + " pt" : "";
}
