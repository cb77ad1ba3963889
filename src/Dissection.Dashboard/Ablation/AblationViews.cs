// Plain view models and the small computations behind the ablation pages (kept out of the razor files so that they
// can be tested directly): class views, playground comparisons, importance counts and unit-list permalinks.
using System.Globalization;
using Dissection.Core.Ablation;
using Dissection.Core.Storage;

namespace Dissection.Dashboard.Ablation;

/// <summary>One important unit of a class with its dissection label when the layer was dissected.</summary>
public sealed record ImportantUnitCard(int Unit, double Drop, string? Label, string? Category, double? Iou, bool HasImages);

public sealed record ClassView(string Layer, IReadOnlyList<string> AblatedLayers, AblationResult Ablation, ClassImportance Class,
    GroupCurve? Curve, IReadOnlyList<ImportantUnitCard> Cards, double BaselineAccuracy, bool LayerDissected);

/// <summary>A class in the playground: accuracy and balanced accuracy before and after removing the selected units.</summary>
public sealed record ClassChange(int Class, string Name, double BaselineAccuracy, double Accuracy, double BaselineBalanced, double Balanced)
{
    public double Drop => BaselineBalanced - Balanced;
    public double AccuracyDrop => BaselineAccuracy - Accuracy;
}

public sealed record PlaygroundResult(IReadOnlyList<int> Removed, bool Labelled, int Images, string Note, double BaselineOverall,
    double Overall, IReadOnlyList<ClassChange> Classes);

/// <summary>For how many classes a unit is among the important ones, and its best IoU (0 without a label).</summary>
public sealed record UnitImportance(int Unit, int Classes, double Iou, string? Label);

public static class AblationViews
{
    /// <summary>Per-class change, classes most hurt first; classes without images (undefined BA) last.</summary>
    public static PlaygroundResult Compare(AblationSession session, IReadOnlyCollection<int> removed, ClassMetrics baseline, ClassMetrics ablated)
    {
        var classes = Enumerable.Range(0, session.Classes.Count)
            .Select(c => new ClassChange(c, session.Classes[c], baseline.Accuracy[c], ablated.Accuracy[c],
                baseline.BalancedAccuracy[c], ablated.BalancedAccuracy[c]))
            .OrderBy(c => double.IsFinite(c.Drop) ? 0 : 1).ThenByDescending(c => c.Drop).ThenBy(c => c.Class).ToList();
        return new PlaygroundResult(removed.Order().ToList(), session.Labelled, session.Images, session.Note,
            baseline.OverallAccuracy, ablated.OverallAccuracy, classes);
    }

    /// <summary>Importance count per unit from the stored important units (each class's top units).</summary>
    public static IReadOnlyList<UnitImportance> ImportanceCounts(AblationResult a, IReadOnlyList<UnitSummary> summaries)
    {
        var counts = a.Importance.SelectMany(k => k.ImportantUnits).GroupBy(d => d.Unit).ToDictionary(g => g.Key, g => g.Count());
        return summaries.Select(u => new UnitImportance(u.Unit, counts.GetValueOrDefault(u.Unit), u.Label?.Iou ?? 0, u.Label?.Name)).ToList();
    }

    /// <summary>The paper's bins of the importance count: 0..6, then "7+".</summary>
    public static string Bin(int classes) => classes >= 7 ? "7+" : classes.ToString(CultureInfo.InvariantCulture);

    public static readonly IReadOnlyList<string> Bins = ["0", "1", "2", "3", "4", "5", "6", "7+"];

    /// <summary>"1,5,9" -> units (sorted, distinct, in range); junk entries are ignored so a bad link still opens.</summary>
    public static IReadOnlyList<int> ParseUnits(string? text, int unitCount) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var u) ? u : -1)
            .Where(u => u >= 0 && u < unitCount).Distinct().Order().ToList();

    public static string FormatUnits(IEnumerable<int> units) => string.Join(",", units.Order());
}
