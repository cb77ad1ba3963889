// Every URL the dashboard links to, built in one place per page kind so routes and escaping stay consistent: the run,
// layer, unit and concept pages and the API here; the others beside their feature, each with the reader its page uses:
// CompareLink (Gallery/), TryLink and AttackLink (Services/), AblationLinks (Ablation/), PlaygroundLink (Gan/),
// GalleryQuery (Gallery/).
namespace Dissection.Dashboard.Services;

public static class Links
{
    public static string Run(long run) => $"/runs/{run}";
    public static string Layer(long run, string layer) => $"/runs/{run}/layers/{Uri.EscapeDataString(layer)}";
    public static string Unit(long run, string layer, int unit) => $"{Layer(run, layer)}/units/{unit}";
    public static string Concept(long run, string concept) => $"/runs/{run}/concepts/{Uri.EscapeDataString(concept)}";

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
    /// <summary>Whether a link (path and query, as a short link keeps it) shows the run: one of its pages or API
    /// answers. Deleting the run deletes the short links it says yes to.</summary>
    public static bool Shows(string target, long run)
    {
        var path = QueryLink.PathOf(target);
        foreach (var prefix in (string[])["/runs/", "/api/runs/"])
            if (path.StartsWith(prefix, StringComparison.Ordinal)
                && long.TryParse(path.AsSpan(prefix.Length).ToString().Split('/')[0], System.Globalization.NumberStyles.None, null, out var id))
                return id == run;
        return path switch
        {
            TryLink.Path => TryLink.Parse(target).State.Run == run,
            AttackLink.Path => AttackLink.Parse(target).State.Run == run,
            Gallery.CompareLink.Path => Gallery.CompareLink.Runs(target).Contains(run),
            _ => false,
        };
    }

    /// <summary>Longest link "Copy link" hands out as it is; a longer view is stored and shared as a short link.</summary>
    public const int MaxDirectLink = 2000;
}
