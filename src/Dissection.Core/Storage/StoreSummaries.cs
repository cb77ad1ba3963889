// Light read models for pages and exports: what a list or gallery shows, without activation maps or histograms.
using Dissection.Core.Dissection;

namespace Dissection.Core.Storage;

/// <summary>One of a unit's top images without its activation map (fetch that with GetTopImageMap).</summary>
public sealed record TopImageRef(int Rank, int ImageIndex, string Path, float Activation);

/// <summary>A unit as a gallery or concept page lists it.</summary>
/// <param name="Label">Best concept over all categories; null when the unit has none.</param>
/// <param name="TopConcepts">Top concepts by IoU, best first.</param>
/// <param name="TopImages">Top images by activation, rank 0 first.</param>
public sealed record UnitSummary(
    string Layer,
    int Unit,
    float Threshold,
    ConceptScore? Label,
    IReadOnlyList<ConceptScore> TopConcepts,
    IReadOnlyList<TopImageRef> TopImages)
{
    public bool IsDetector(double iouThreshold) => Label is { } l && l.Iou > iouThreshold;

    /// <summary>How far the label can be trusted; null when not measured (no label, or stored before it was).</summary>
    public LabelReliability? Reliability { get; init; }
}

/// <summary>
/// A saved layer with its detector counts. A detector is a unit whose label IoU exceeds the run's IoU threshold.
/// </summary>
/// <param name="Shape">Activation shape per image: units, height, width.</param>
/// <param name="Units">Units saved for the layer.</param>
/// <param name="DetectorsPerCategory">Detectors counted by their label's category; categories with none are absent.</param>
/// <param name="UniqueConcepts">Distinct concepts that label at least one detector.</param>
public sealed record LayerSummary(
    string Layer,
    int[] Shape,
    int Units,
    int Images,
    TimeSpan Elapsed,
    int Detectors,
    IReadOnlyDictionary<string, int> DetectorsPerCategory,
    int UniqueConcepts);

/// <summary>A concept that labels at least one unit of a run (any layer).</summary>
/// <param name="Units">Units labelled with the concept; Detectors counts those above the run's IoU threshold.</param>
public sealed record ConceptSummary(string Name, string Category, int Units, int Detectors, double BestIou);
