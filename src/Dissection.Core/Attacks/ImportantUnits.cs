// Each class's most important units in one layer (from single-unit ablation: the units whose removal hurts the class
// most). The attack experiment takes them as a value, so it does not care where they were measured or stored.
namespace Dissection.Core.Attacks;

/// <param name="ByClass">Model class index → its important units, most important first.</param>
/// <param name="Source">Where the ranking came from, for messages (e.g. "ablation of run 3").</param>
public sealed record ImportantUnits(string Layer, IReadOnlyDictionary<int, int[]> ByClass, string Source = "")
{
    /// <summary>The reference's cutoff: a class's 4 most important units (network-dissection.md §4).</summary>
    public const int DefaultCount = 4;

    public bool Has(int cls) => ByClass.TryGetValue(cls, out var units) && units.Length > 0;

    /// <exception cref="InvalidOperationException">the class has no ranked units in this layer.</exception>
    public int[] For(int cls, string? className = null) => ByClass.TryGetValue(cls, out var units) && units.Length > 0
        ? units
        : throw new InvalidOperationException(
            $"layer {Layer} has no important units for class {className ?? cls.ToString(System.Globalization.CultureInfo.InvariantCulture)}" +
            (Source.Length > 0 ? $" in {Source}" : "") +
            " (a class without validation images gets none); run 'dissect ablate' on this layer with a dataset that has images of it");
}
