// The /compare page: two layers (of one run or of two runs) side by side. Both sides live in the URL as
// ?a=RUN:LAYER&b=RUN:LAYER (built and read by CompareLink), so a comparison is a permalink; the pickers only rewrite
// the URL.
using System.Globalization;
using Dissection.Core.Storage;
using Dissection.Dashboard.Charts;
using Dissection.Dashboard.Gallery;
using Dissection.Dashboard.Services;
using Microsoft.AspNetCore.Components;

namespace Dissection.Dashboard.Components.Pages;

public sealed partial class ComparePage
{
    [SupplyParameterFromQuery(Name = "a")] public string? A { get; set; }
    [SupplyParameterFromQuery(Name = "b")] public string? B { get; set; }

    [Inject] private CompareService Compare { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;

    private IReadOnlyList<RunInfo>? _runs;
    private CompareSide _a = new(null, null, null, null), _b = new(null, null, null, null);
    private IReadOnlyList<string> _layersA = [], _layersB = [];
    private LayerComparison? _comparison;
    private string? _loadError;
    private Figure? _histA, _histB, _delta, _cats;
    private (string?, string?)? _loaded;
    private string? _suggestion;

    protected override async Task OnParametersSetAsync()
    {
        if (_loaded == (A, B)) return;
        _loaded = (A, B);
        _comparison = null;
        _loadError = null;
        try
        {
            _runs ??= await Compare.ListRunsAsync();
            _a = await Compare.LoadAsync("A", A);
            _b = await Compare.LoadAsync("B", B);
            _layersA = _a.Run is null ? [] : await Compare.LayerNamesAsync(_a.Run);
            _layersB = _b.Run is null ? [] : await Compare.LayerNamesAsync(_b.Run);
            if (_a.Units is { } ua && _b.Units is { } ub) Build(LayerComparison.Compare(ua, ub));
            _suggestion = _a.Ref is null && _b.Ref is null ? await SuggestionAsync() : null;
        }
        catch (Exception e)
        {
            _loadError = "Cannot read the results: " + JobQueue.Describe(e);
        }
    }

    private void Build(LayerComparison c)
    {
        _comparison = c;
        _histA = ChartFactory.ConceptBars(c.A);
        _histB = ChartFactory.ConceptBars(c.B);
        _delta = CompareCharts.Deltas(c.Deltas);
        _cats = CompareCharts.Categories(c.Categories, SideName(_a), SideName(_b));
    }

    private static string SideName(CompareSide s) => s.Ref is null ? "" : $"#{s.Ref.Run} {s.Ref.Layer}";

    /// <summary>A new run for a side keeps its layer name when that run has it, else takes the run's first layer.</summary>
    private async Task OnRunPicked(bool sideA, long? run)
    {
        var info = run is null ? null : _runs?.FirstOrDefault(r => r.Id == run);
        if (info is null) return;
        var layers = await Compare.LayerNamesAsync(info);
        if (layers.Count == 0) return;
        var current = (sideA ? _a : _b).Ref?.Layer;
        var layer = current is not null && layers.Contains(current) ? current : layers[0];
        Go(sideA ? new LayerRef(info.Id, layer).ToString() : A, sideA ? B : new LayerRef(info.Id, layer).ToString());
    }

    private void OnLayerPicked(bool sideA, string? layer)
    {
        var run = (sideA ? _a : _b).Run;
        if (run is null || string.IsNullOrEmpty(layer)) return;
        var r = new LayerRef(run.Id, layer).ToString();
        Go(sideA ? r : A, sideA ? B : r);
    }

    private void Swap() => Go(B, A);

    private void Go(string? a, string? b) => Nav.NavigateTo(CompareLink.Build(a, b));

    /// <summary>A first comparison to offer on an empty page: the first and last layer of the newest finished run.</summary>
    private async Task<string?> SuggestionAsync()
    {
        foreach (var run in _runs ?? [])
        {
            if (run.Status != RunStatus.Done) continue;
            var layers = await Compare.LayerNamesAsync(run);
            if (layers.Count >= 2) return CompareLink.Build(new LayerRef(run.Id, layers[0]), new LayerRef(run.Id, layers[^1]));
        }
        return null;
    }

    private static string Percent(int part, int whole) =>
        whole == 0 ? "0 %" : (100.0 * part / whole).ToString("0.#", CultureInfo.InvariantCulture) + " %";
}
