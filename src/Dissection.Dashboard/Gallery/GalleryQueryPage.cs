// Base of the pages that carry the gallery's sort, filters and search in their URL (the layer page and the unit
// page), so both read the same permalink keys and ← / → on a unit page walk the list the gallery showed.
using Microsoft.AspNetCore.Components;

namespace Dissection.Dashboard.Gallery;

public abstract class GalleryQueryPage : ComponentBase
{
    [SupplyParameterFromQuery(Name = "sort")] public string? Sort { get; set; }
    [SupplyParameterFromQuery(Name = "cat")] public string? Category { get; set; }
    [SupplyParameterFromQuery(Name = "concept")] public string? Concept { get; set; }
    [SupplyParameterFromQuery(Name = "min")] public string? Min { get; set; }
    [SupplyParameterFromQuery(Name = "q")] public string? Search { get; set; }
    [SupplyParameterFromQuery(Name = "trust")] public string? Trust { get; set; }

    /// <summary>The gallery state in the current URL.</summary>
    protected GalleryQuery QueryFromUrl() => GalleryQuery.From(Sort, Category, Concept, Min, Search, Trust);
}
