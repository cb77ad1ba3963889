// One image's peak shifts summarised over the three groups the paper compares: the target class's important units,
// the source (clean prediction) class's important units, and all other units of the layer.
namespace Dissection.Core.Attacks;

/// <summary>Mean Δ peak and mean |Δ peak| of each group; NaN for an empty group.</summary>
public sealed record UnitGroupShift(
    double TargetAbs, double TargetSigned,
    double SourceAbs, double SourceSigned,
    double OtherAbs, double OtherSigned)
{
    /// <summary>
    /// Groups the units of <paramref name="shift"/>. A unit important to both classes counts in both groups (as in
    /// the reference, which lists each class's units on its own); "other" is every unit important to neither.
    /// </summary>
    /// <exception cref="ArgumentException">a unit number outside the layer.</exception>
    public static UnitGroupShift Of(PeakShift shift, IReadOnlyCollection<int> targetUnits, IReadOnlyCollection<int> sourceUnits)
    {
        ArgumentNullException.ThrowIfNull(shift);
        foreach (var u in targetUnits.Concat(sourceUnits))
            if (u < 0 || u >= shift.Units) throw new ArgumentException($"unit {u} is not in the layer (0..{shift.Units - 1})");
        var special = new HashSet<int>(targetUnits.Concat(sourceUnits));
        var others = Enumerable.Range(0, shift.Units).Where(u => !special.Contains(u)).ToList();
        return new UnitGroupShift(
            Mean(targetUnits, u => Math.Abs(shift.Delta(u))), Mean(targetUnits, u => shift.Delta(u)),
            Mean(sourceUnits, u => Math.Abs(shift.Delta(u))), Mean(sourceUnits, u => shift.Delta(u)),
            Mean(others, u => Math.Abs(shift.Delta(u))), Mean(others, u => shift.Delta(u)));
    }

    private static double Mean(IReadOnlyCollection<int> units, Func<int, double> value) =>
        units.Count == 0 ? double.NaN : units.Sum(value) / units.Count;
}
