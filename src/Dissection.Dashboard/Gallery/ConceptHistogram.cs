// The layer's concept histogram: how many detector units each concept has, coloured by category (the paper's figure).
namespace Dissection.Dashboard.Gallery;

public sealed record ConceptCount(string Concept, string Category, int Units, string Color);

/// <summary>Detector counts of one layer per category, for the run overview's stacked bars.</summary>
public sealed record LayerCategoryCounts(string Layer, int Units, IReadOnlyDictionary<string, int> DetectorsPerCategory, int UniqueConcepts)
{
    public int Detectors => DetectorsPerCategory.Values.Sum();
}

public static class ConceptHistogram
{
    /// <summary>Detector units per concept, most units first, ties by name.</summary>
    public static IReadOnlyList<ConceptCount> Count(IEnumerable<GalleryUnit> units) =>
        units.Where(u => u.IsDetector && u.Concept is not null)
            .GroupBy(u => (u.Concept!, u.Category ?? ""))
            .Select(g => new ConceptCount(g.Key.Item1, g.Key.Item2, g.Count(), CategoryPalette.ColorOf(g.Key.Item2)))
            .OrderByDescending(c => c.Units).ThenBy(c => c.Concept, StringComparer.Ordinal)
            .ToList();

    public static LayerCategoryCounts PerCategory(string layer, IReadOnlyCollection<GalleryUnit> units)
    {
        var detectors = units.Where(u => u.IsDetector && u.Concept is not null).ToList();
        var perCat = detectors.GroupBy(u => u.Category ?? "")
            .ToDictionary(g => g.Key, g => g.Count());
        return new LayerCategoryCounts(layer, units.Count, perCat,
            detectors.Select(u => u.Concept!).Distinct(StringComparer.Ordinal).Count());
    }
}
