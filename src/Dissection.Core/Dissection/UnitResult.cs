// What dissection learned about one unit: its threshold, its concept scores, its top images, its histogram and how far
// its label can be trusted (LabelReliability).
namespace Dissection.Core.Dissection;

/// <summary>IoU of one unit's thresholded region with one concept, summed over the dataset.</summary>
public sealed record ConceptScore(int Concept, string Name, string Category, double Iou);

/// <summary>
/// One of a unit's top images. <see cref="Map"/> is the unit's raw activation map on that image (row-major,
/// MapHeight x MapWidth, before upsampling) so that masks can be rendered later without running the model.
/// </summary>
public sealed record TopImage(int ImageIndex, string Path, float Activation, int MapHeight, int MapWidth, float[] Map);

/// <summary>Histogram of a unit's raw (not upsampled) activations over the dataset, equal-width bins in [Min, Max].</summary>
public sealed record ActivationHistogram(float Min, float Max, long[] Counts);

public sealed record UnitResult(
    int Unit,
    float Threshold,
    /// <summary>Best concept over all categories; null when the dataset has no labels.</summary>
    ConceptScore? Label,
    /// <summary>Top concepts by IoU, best first.</summary>
    IReadOnlyList<ConceptScore> TopConcepts,
    /// <summary>Best concept within each category that has any.</summary>
    IReadOnlyList<ConceptScore> BestPerCategory,
    IReadOnlyList<TopImage> TopImages,
    ActivationHistogram Histogram)
{
    public bool IsDetector(double iouThreshold) => Label is { } l && l.Iou > iouThreshold;

    /// <summary>How far the label can be trusted; null when the unit has no label or was stored before this was measured.</summary>
    public LabelReliability? Reliability { get; init; }
}
