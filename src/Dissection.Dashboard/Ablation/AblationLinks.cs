// URLs of the ablation pages, beside Links so that routes and escaping stay in one place per feature.
using Dissection.Dashboard.Services;

namespace Dissection.Dashboard.Ablation;

public static class AblationLinks
{
    public static string Class(long run, string className, string? layer = null) =>
        $"/runs/{run}/classes/{Uri.EscapeDataString(className)}" + (layer is null ? "" : $"?layer={Uri.EscapeDataString(layer)}");

    public static string Playground(long run, string layer, IEnumerable<int>? units = null)
    {
        var list = units is null ? "" : AblationViews.FormatUnits(units);
        return $"{Links.Layer(run, layer)}/ablate" + (list.Length == 0 ? "" : $"?units={list}");
    }
}
