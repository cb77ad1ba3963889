// The paper's finding 2 in numbers, from one ablation result: for a group size N, how much removing each class's N most
// important units lowers its balanced accuracy, against N random units and against keeping only those N. Averages are
// over the classes that have a curve (classes with images).
namespace Dissection.Core.Ablation;

/// <param name="RemoveTop">Mean drop when each class's top N units are removed.</param>
/// <param name="KeepTop">Mean drop when every unit but each class's top N is removed.</param>
/// <param name="RemoveRandom">Mean drop when N random units are removed (mean over the draws); NaN when not measured.</param>
/// <param name="Asymmetric">Classes for which removing the top N hurts more than keeping only them.</param>
/// <param name="Classes">Classes averaged over.</param>
public sealed record GroupAblationSummary(int N, double RemoveTop, double KeepTop, double RemoveRandom, int Asymmetric, int Classes)
{
    /// <summary>RemoveTop / RemoveRandom (infinite when random removal costs nothing and the top does).</summary>
    public double RatioToRandom => RemoveTop / RemoveRandom;

    /// <summary>The summary at group size N; null when the result has no curve point at N.</summary>
    public static GroupAblationSummary? At(AblationResult result, int n)
    {
        var rows = new List<(double Remove, double Keep)>();
        foreach (var curve in result.Curves)
        {
            var b = result.Baseline.BalancedAccuracy[curve.Class];
            if (curve.Points.FirstOrDefault(p => p.N == n) is not { } point || !double.IsFinite(b)) continue;
            rows.Add((b - point.RemoveTop, b - point.KeepTop));
        }
        if (rows.Count == 0) return null;
        var classes = result.Curves.Select(c => c.Class).ToHashSet();
        var random = result.Random.FirstOrDefault(x => x.N == n) is { } draws
            ? draws.MeanDrop.Where((d, c) => classes.Contains(c) && double.IsFinite(d)).DefaultIfEmpty(double.NaN).Average()
            : double.NaN;
        return new GroupAblationSummary(n, rows.Average(r => r.Remove), rows.Average(r => r.Keep), random,
            rows.Count(r => r.Remove > r.Keep), rows.Count);
    }
}
