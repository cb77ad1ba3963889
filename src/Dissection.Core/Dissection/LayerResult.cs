// The result of dissecting one layer: every unit, plus the layer's shape and timing.
namespace Dissection.Core.Dissection;

/// <param name="Shape">Activation shape per image: units, height, width.</param>
public sealed record LayerResult(string Layer, int[] Shape, IReadOnlyList<UnitResult> Units, int Images, TimeSpan Elapsed)
{
    /// <summary>Paths of images skipped as unreadable (BadImagePolicy.Skip); they count in no statistic.</summary>
    public IReadOnlyList<string> SkippedImages { get; init; } = [];
}
