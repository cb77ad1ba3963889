// What a Broden folder says about its categories beyond index.csv: their order in category.csv and, per category,
// each label's pixel coverage from c_<category>.csv. CVPR17's primary category (MethodRules.PrimaryCategory.Coverage)
// is read from it, as NetDissect-Lite's SegmentationData.primary_categories_per_index does.
namespace Dissection.Core.Datasets;

/// <param name="Order">Category names as category.csv lists them (empty when there is no category.csv).</param>
/// <param name="Coverage">Category -> label number -> coverage, for the labels each c_*.csv lists.</param>
public sealed record CategoryCoverage(IReadOnlyList<string> Order, IReadOnlyDictionary<string, IReadOnlyDictionary<int, double>> Coverage)
{
    public static readonly CategoryCoverage None = new([], new Dictionary<string, IReadOnlyDictionary<int, double>>());

    /// <summary>The dataset's categories (index.csv columns) in category.csv order; those it does not list follow, in
    /// index.csv order.</summary>
    public IReadOnlyList<string> Ordered(IReadOnlyList<string> categories)
    {
        var listed = Order.Select((c, i) => (c, i)).GroupBy(p => p.c, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
        return categories.Select((c, i) => (c, Rank: listed.TryGetValue(c, out var r) ? r : Order.Count + i)).OrderBy(p => p.Rank).Select(p => p.c).ToList();
    }

    /// <summary>The concepts with their primary category by coverage: per label, the category of
    /// <paramref name="categories"/> with the highest coverage, the later one on ties; a label that no c_*.csv lists
    /// (coverage 0 everywhere) gets the last category. Label 0 and unknown labels keep their entry.</summary>
    public IReadOnlyList<Concept> PrimaryByCoverage(IReadOnlyList<Concept> concepts, IReadOnlyList<string> categories)
    {
        if (categories.Count == 0) return concepts;
        return concepts.Select(c =>
        {
            if (c.Number == 0 || c.Name.Length == 0 && c.Category.Length == 0) return c;
            var (best, bestCoverage) = (0, double.NegativeInfinity);
            for (var k = 0; k < categories.Count; k++)
            {
                var coverage = Coverage.TryGetValue(categories[k], out var table) ? table.GetValueOrDefault(c.Number) : 0;
                if (coverage >= bestCoverage) (best, bestCoverage) = (k, coverage);   // >=: ties go to the later category
            }
            return c with { Category = categories[best] };
        }).ToList();
    }
}
