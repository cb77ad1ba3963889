// The layer page: the concept histogram, then every unit as a gallery row. Sort, filters and search live in
// the query string (the permalink); the list is virtualised and its strips load lazily, so 512 units stay smooth.
using Dissection.Core.Storage;
using Dissection.Dashboard.Charts;
using Dissection.Dashboard.Gallery;
using Dissection.Dashboard.Services;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Dissection.Dashboard.Components.Pages;

public sealed partial class LayerPage
{
    [Parameter] public long Run { get; set; }
    [Parameter] public string Layer { get; set; } = "";

    [Inject] private ResultsService Results { get; set; } = default!;
    [Inject] private ThumbnailService Thumbnails { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;

    private RunInfo? _run;
    private string? _notFound;
    private IReadOnlyList<GalleryUnit>? _units;
    private List<GalleryUnit> _filtered = [];
    private IReadOnlyList<ConceptCount> _histogram = [];
    private IReadOnlyList<ConceptCount> _conceptChoices = [];
    private IReadOnlyList<string> _categories = [];
    private GalleryQuery _query = GalleryQuery.Default;
    private string _queryString = "";
    private bool _datasetAvailable = true;
    private Figure? _chart;
    private List<BreadcrumbItem> _crumbs = [];
    private (long, string)? _loaded;

    protected override async Task OnParametersSetAsync()
    {
        if (_loaded != (Run, Layer)) await Load();
        _query = QueryFromUrl();
        _queryString = _query.ToQueryString();
        if (_units is not null) _filtered = [.. GalleryFilter.Apply(_units, _query)];
    }

    private async Task Load()
    {
        _loaded = (Run, Layer);
        _units = null;
        _notFound = null;
        _run = await Results.GetRunAsync(Run);
        if (_run is null)
        {
            _notFound = $"There is no run #{Run} in this results database.";
            return;
        }
        _units = await Results.GetUnitsAsync(_run, Layer);
        if (_units is null)
        {
            _notFound = $"Run #{Run} ({_run.Name}) has no results for a layer named '{Layer}'.";
            return;
        }
        _crumbs = [new("Runs", "/"), new(_run.Name, Links.Run(_run.Id)), new(Layer, null, disabled: true)];
        _histogram = ConceptHistogram.Count(_units);
        _conceptChoices = _histogram.OrderBy(c => c.Concept, StringComparer.OrdinalIgnoreCase).ToList();
        _categories = CategoryPalette.Sort(_units.Where(u => u.Category is not null).Select(u => u.Category!)).ToList();
        _chart = ChartFactory.ConceptBars(_histogram);
        _datasetAvailable = Thumbnails.DatasetAvailable(_run);
    }

    private void Go(GalleryQuery query) =>
        Nav.NavigateTo(Nav.GetUriWithQueryParameters(query.ToParameters()), replace: false);

    /// <summary>A click on a concept's bar filters the gallery to it; a second click clears the filter.</summary>
    private void OnBarClick(string concept) => Go(_query with { Concept = _query.Concept == concept ? null : concept });

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
