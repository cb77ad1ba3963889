// A gallery row for one unit; the strip image comes from the strip endpoint and loads lazily.
using Dissection.Dashboard.Api;
using Dissection.Dashboard.Gallery;
using Dissection.Dashboard.Services;
using Microsoft.AspNetCore.Components;

namespace Dissection.Dashboard.Components.Shared;

public sealed partial class UnitRow
{
    [Parameter, EditorRequired] public long Run { get; set; }
    [Parameter, EditorRequired] public string Layer { get; set; } = "";
    [Parameter, EditorRequired] public GalleryUnit Unit { get; set; } = default!;
    /// <summary>Query string (gallery state) carried into the unit page, so prev/next walks the same list.</summary>
    [Parameter] public string Query { get; set; } = "";
    [Parameter] public bool ShowLayer { get; set; }
    [Parameter] public int Count { get; set; } = ApiEndpoints.StripCount;

    private int Shown => Math.Min(Count, Unit.TopImages);
    private int StripWidth => ThumbnailService.StripWidth(Shown, ApiEndpoints.StripSize);
    private string Href => Links.Unit(Run, Layer, Unit.Unit) + Query;
    private string StripUrl => Links.Strip(Run, Layer, Unit.Unit, Count, ApiEndpoints.StripSize);
}
