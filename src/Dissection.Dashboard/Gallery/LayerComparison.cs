// Two layers' detectors side by side (the /compare page): concept histograms, the change per concept, the concepts
// only one side has, and detector counts per category. A pure function of the stored units, so it is easy to test.
namespace Dissection.Dashboard.Gallery;

/// <summary>Detector units of one concept on each side; Delta is B minus A (positive: the concept grew in B).</summary>
public sealed record ConceptDelta(string Concept, string Category, int UnitsA, int UnitsB)
{
    public int Delta => UnitsB - UnitsA;
    public string Color => CategoryPalette.ColorOf(Category);
}

/// <summary>Detector units per category on each side, and each side's unit count (so sizes can be compared).</summary>
public sealed record CategoryDelta(string Category, int UnitsA, int UnitsB);

public sealed record LayerComparison(
    IReadOnlyList<ConceptCount> A,
    IReadOnlyList<ConceptCount> B,
    IReadOnlyList<ConceptDelta> Deltas,
    IReadOnlyList<ConceptCount> OnlyInA,
    IReadOnlyList<ConceptCount> OnlyInB,
    IReadOnlyList<CategoryDelta> Categories,
    int UnitsA,
    int UnitsB)
{
    public int DetectorsA => A.Sum(c => c.Units);
    public int DetectorsB => B.Sum(c => c.Units);

    /// <summary>Compares the detectors of two layers. A concept is its (name, category) pair, so two datasets that
    /// file the same name under different categories do not merge. Deltas are sorted by change (largest growth
    /// first), ties by name; the only-in lists keep the histogram order (most units first).</summary>
    public static LayerComparison Compare(IReadOnlyCollection<GalleryUnit> a, IReadOnlyCollection<GalleryUnit> b)
    {
        var ha = ConceptHistogram.Count(a);
        var hb = ConceptHistogram.Count(b);
        var byA = ha.ToDictionary(c => (c.Concept, c.Category));
        var byB = hb.ToDictionary(c => (c.Concept, c.Category));
        var deltas = byA.Keys.Union(byB.Keys)
            .Select(k => new ConceptDelta(k.Concept, k.Category,
                byA.TryGetValue(k, out var x) ? x.Units : 0, byB.TryGetValue(k, out var y) ? y.Units : 0))
            .OrderByDescending(d => d.Delta).ThenBy(d => d.Concept, StringComparer.Ordinal).ThenBy(d => d.Category, StringComparer.Ordinal)
            .ToList();
        var ca = ConceptHistogram.PerCategory("a", a).DetectorsPerCategory;
        var cb = ConceptHistogram.PerCategory("b", b).DetectorsPerCategory;
        var categories = CategoryPalette.Sort(ca.Keys.Concat(cb.Keys))
            .Select(c => new CategoryDelta(c, ca.GetValueOrDefault(c), cb.GetValueOrDefault(c)))
            .ToList();
        return new LayerComparison(ha, hb, deltas,
            ha.Where(c => !byB.ContainsKey((c.Concept, c.Category))).ToList(),
            hb.Where(c => !byA.ContainsKey((c.Concept, c.Category))).ToList(),
            categories, a.Count, b.Count);
    }
}
