// The unit page: large top images with masks, the activation histogram with the threshold, the best concepts
// and units with the same label. The gallery's filters ride along in the URL, so ← / → walk the same list.
using Dissection.Core.Dissection;
using Dissection.Core.Storage;
using Dissection.Dashboard.Charts;
using Dissection.Dashboard.Gallery;
using Dissection.Dashboard.Services;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace Dissection.Dashboard.Components.Pages;

public sealed partial class UnitPage : IAsyncDisposable
{
    [Parameter] public long Run { get; set; }
    [Parameter] public string Layer { get; set; } = "";
    [Parameter] public int UnitNumber { get; set; }

    [Inject] private ResultsService Results { get; set; } = default!;
    [Inject] private ThumbnailService Thumbnails { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;
    [Inject] private IJSRuntime Js { get; set; } = default!;

    private RunInfo? _run;
    private UnitResult? _unit;
    private string? _notFound;
    private string? _backHref;
    private GalleryQuery _query = GalleryQuery.Default;
    private string? _prevHref, _nextHref;
    private string _positionText = "";
    private IReadOnlyList<LayerUnit> _sameLabel = [];
    private bool _datasetAvailable = true;
    private Figure? _hist, _iou;
    private List<BreadcrumbItem> _crumbs = [];
    private DotNetObjectReference<UnitPage>? _self;

    protected override async Task OnParametersSetAsync()
    {
        _notFound = null;
        _query = QueryFromUrl();
        _run = await Results.GetRunAsync(Run);
        if (_run is null)
        {
            _notFound = $"There is no run #{Run} in this results database.";
            _backHref = null;
            return;
        }
        var units = await Results.GetUnitsAsync(_run, Layer);
        if (units is null)
        {
            _notFound = $"Run #{Run} has no layer named '{Layer}'.";
            _backHref = Links.Run(Run);
            return;
        }
        _unit = await Results.GetUnitAsync(_run, Layer, UnitNumber);
        if (_unit is null)
        {
            _notFound = $"Layer '{Layer}' of run #{Run} has no unit {UnitNumber} (it has {units.Count} units).";
            _backHref = Links.Layer(Run, Layer);
            return;
        }
        var qs = _query.ToQueryString();
        _crumbs = [new("Runs", "/"), new(_run.Name, Links.Run(Run)), new(Layer, Links.Layer(Run, Layer) + qs), new($"unit {UnitNumber}", null, disabled: true)];

        // Walk the gallery's list when this unit is in it; otherwise plain unit order.
        var list = GalleryFilter.Apply(units, _query);
        var at = list.ToList().FindIndex(u => u.Unit == UnitNumber);
        var inGallery = at >= 0;
        if (!inGallery)
        {
            list = units.OrderBy(u => u.Unit).ToList();
            at = list.ToList().FindIndex(u => u.Unit == UnitNumber);
        }
        _positionText = PositionText(at, list.Count, inGallery && _query != GalleryQuery.Default);
        _prevHref = at > 0 ? Links.Unit(Run, Layer, list[at - 1].Unit) + qs : null;
        _nextHref = at >= 0 && at < list.Count - 1 ? Links.Unit(Run, Layer, list[at + 1].Unit) + qs : null;

        _hist = ChartFactory.ActivationHistogram(_unit.Histogram, _unit.Threshold);
        _iou = ChartFactory.TopConcepts(_unit.TopConcepts, _run.Settings.IouThreshold);
        _sameLabel = _unit.Label is { } l
            ? (await Results.UnitsWithConceptAsync(_run, l.Name)).Where(o => !(o.Layer == Layer && o.Unit.Unit == UnitNumber)).Take(40).ToList()
            : [];
        _datasetAvailable = Thumbnails.DatasetAvailable(_run);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender) return;
        _self = DotNetObjectReference.Create(this);
        try { await Js.InvokeVoidAsync("dissection.registerArrows", _self); }
        catch (JSException) { }
        catch (InvalidOperationException) { } // prerendering: no JS yet
    }

    /// <summary>Where this unit stands in the list ← / → walk. Units are numbered from 0, so the 1-based position
    /// is an ordinal ("152nd of 256 units"), never "unit 152", which would name another unit.</summary>
    internal static string PositionText(int index, int count, bool filtered) =>
        $"{Ordinal(index + 1)} of {count} {(filtered ? "matching units" : "units")}";

    internal static string Ordinal(int n) => n + (n % 100 is 11 or 12 or 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" });

    /// <summary>A chip for another unit with the same label: "unit 12" in this layer, "features.conv4_1 · unit 122" in another.</summary>
    internal static string ChipText(string pageLayer, string layer, int unit) => layer == pageLayer ? $"unit {unit}" : $"{layer} · unit {unit}";

    [JSInvokable]
    public Task OnArrowKey(int direction)
    {
        var target = direction > 0 ? _nextHref : _prevHref;
        if (target is not null) Nav.NavigateTo(target);
        return Task.CompletedTask;
    }

    /// <summary>The measurements behind the trust badge, in one line.</summary>
    private static string ReliabilityText(ConceptScore label, LabelReliability q) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"split-half check: IoU {q.IouA:0.000} on half A of the images, {q.IouB:0.000} on half B (best there: {q.BestA ?? "none"} / {q.BestB ?? "none"}) · {q.Lift:0.0}× chance ({q.ChanceIou:0.0000})");

    private IEnumerable<(string, string)> FilterChips()
    {
        if (_query.Sort != GallerySort.Unit) yield return ("sort", _query.Sort.ToString().ToLowerInvariant());
        if (_query.Category is { } c) yield return ("category", c);
        if (_query.Concept is { } k) yield return ("concept", k);
        if (_query.MinIou is { } m) yield return ("min IoU", m.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture));
        if (_query.Search is { } s) yield return ("search", s);
        if (_query.Trust is { } t) yield return ("trust", GalleryQuery.TrustName(t));
    }

    public async ValueTask DisposeAsync()
    {
        try { await Js.InvokeVoidAsync("dissection.unregisterArrows"); }
        catch (JSDisconnectedException) { }
        catch (JSException) { }
        catch (InvalidOperationException) { }
        _self?.Dispose();
    }
}
