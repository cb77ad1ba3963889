// Every URL the dashboard links to, built in one place so routes and escaping stay consistent.
namespace Dissection.Dashboard.Services;

public static class Links
{
    public static string Run(long run) => $"/runs/{run}";
    public static string Layer(long run, string layer) => $"/runs/{run}/layers/{Uri.EscapeDataString(layer)}";
    public static string Unit(long run, string layer, int unit) => $"{Layer(run, layer)}/units/{unit}";
    public static string Concept(long run, string concept) => $"/runs/{run}/concepts/{Uri.EscapeDataString(concept)}";
    /// <summary>The comparison of two layers; a side left null is left for the pickers.</summary>
    public static string Compare(long runA, string layerA, long? runB = null, string? layerB = null) =>
        $"/compare?a={runA}:{Uri.EscapeDataString(layerA)}" + (runB is { } rb && layerB is not null ? $"&b={rb}:{Uri.EscapeDataString(layerB)}" : "");

    public static string Api(long run, string layer) => $"/api/runs/{run}/layers/{Uri.EscapeDataString(layer)}";
    public static string Strip(long run, string layer, int unit, int count, int size) => $"{Api(run, layer)}/units/{unit}/strip.png?size={size}&count={count}";
    /// <summary>A top image at its stored size (the REST API hands these out).</summary>
    public static string ImagePath(long run, string layer, int unit, int rank) => $"{Api(run, layer)}/units/{unit}/images/{rank}.png";
    public static string Image(long run, string layer, int unit, int rank, int size) => $"{ImagePath(run, layer, unit, rank)}?size={size}";
    public static string Csv(long run, string layer) => $"{Api(run, layer)}/export.csv";
    public static string Json(long run, string layer) => $"{Api(run, layer)}/export.json";
    public static string Report(long run) => $"/api/runs/{run}/report.html";
    /// <summary>A stored view (store.Links.SaveShortLink).</summary>
    public static string Short(string id) => $"/s/{id}";
    /// <summary>Longest link "Copy link" hands out as it is; a longer view is stored and shared as a short link.</summary>
    public const int MaxDirectLink = 2000;
}
