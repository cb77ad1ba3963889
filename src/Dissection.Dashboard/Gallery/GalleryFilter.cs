// Filtering and sorting of a layer's units as the gallery shows them (pure, so pages and tests share it).
namespace Dissection.Dashboard.Gallery;

public static class GalleryFilter
{
    public static IReadOnlyList<GalleryUnit> Apply(IEnumerable<GalleryUnit> units, GalleryQuery query)
    {
        var q = units;
        if (query.Category is { } cat)
            q = q.Where(u => string.Equals(u.Category, cat, StringComparison.OrdinalIgnoreCase));
        if (query.Concept is { } concept)
            q = q.Where(u => string.Equals(u.Concept, concept, StringComparison.OrdinalIgnoreCase));
        if (query.MinIou is { } min)
            q = q.Where(u => u.Iou >= min);
        if (query.Trust is { } trust)
            q = q.Where(u => u.Concept is not null && (trust == GalleryTrust.NotMeasured
                ? u.Reliability is null
                : u.Trust is { } t && t.ToString() == trust.ToString()));  // the same three names
        if (query.Search is { } text)
            q = q.Where(u => u.Concept is not null && u.Concept.Contains(text, StringComparison.OrdinalIgnoreCase));
        q = query.Sort switch
        {
            // Ties keep unit order so the same link always shows the same sequence.
            GallerySort.Iou => q.OrderByDescending(u => u.Iou).ThenBy(u => u.Unit),
            GallerySort.Concept => q.OrderBy(u => u.Concept is null).ThenBy(u => u.Concept, StringComparer.OrdinalIgnoreCase)
                .ThenByDescending(u => u.Iou).ThenBy(u => u.Unit),
            // Most lift first; units without a measured lift last.
            GallerySort.Lift => q.OrderBy(u => u.Lift is null).ThenByDescending(u => u.Lift ?? 0).ThenBy(u => u.Unit),
            _ => q.OrderBy(u => u.Unit),
        };
        return q.ToList();
    }
}
