// Class importance from single-unit ablations: per class, units ranked by how much removing each alone lowers the
// class's balanced accuracy (the reference's ranking, network-dissection.md §4), and the group sizes of the curves.
namespace Dissection.Core.Ablation;

public static class ClassImportanceRanking
{
    /// <summary>
    /// Units ranked for one class, most damaging first (drop = baseline BA minus ablated BA); ties go to the lower
    /// unit number so the ranking is deterministic. Empty when the class has no images (its BA is undefined).
    /// </summary>
    public static IReadOnlyList<UnitDrop> Rank(ClassMetrics baseline, IReadOnlyList<UnitAblation> units, int cls)
    {
        var b = baseline.BalancedAccuracy[cls];
        if (!double.IsFinite(b)) return [];
        return units.Select(u => new UnitDrop(u.Unit, b - u.Metrics.BalancedAccuracy[cls]))
            .OrderByDescending(d => d.Drop).ThenBy(d => d.Unit).ToList();
    }

    /// <summary>N for the group curves: 1..20, the powers of two from 32, and "all but a few" (U-20, U-4, U-1),
    /// all below the layer's unit count U.</summary>
    public static IReadOnlyList<int> GroupSizes(int units)
    {
        var sizes = new SortedSet<int>();
        for (var n = 1; n <= 20; n++) sizes.Add(n);
        for (var n = 32; n < units; n *= 2) sizes.Add(n);
        foreach (var few in new[] { 20, 4, 1 }) sizes.Add(units - few);
        return sizes.Where(n => n >= 1 && n < units).ToList();
    }
}
