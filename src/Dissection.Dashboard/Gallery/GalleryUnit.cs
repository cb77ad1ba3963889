// What the gallery needs to know about one unit, without its activation maps or histogram.
using Dissection.Core.Dissection;

namespace Dissection.Dashboard.Gallery;

/// <param name="Concept">The unit's best concept, or null when the dataset had no labels.</param>
/// <param name="IsDetector">The best IoU exceeds the run's IoU cut-off.</param>
public sealed record GalleryUnit(int Unit, string? Concept, string? Category, double Iou, float Threshold, bool IsDetector, int TopImages)
{
    /// <summary>How far the label can be trusted; null when the unit has no label or its run was stored before this
    /// was measured.</summary>
    public LabelReliability? Reliability { get; init; }

    /// <summary>Strong, weak or unstable; null when not measured or unlabelled.</summary>
    public LabelTrust? Trust => Concept is not null && Reliability is { } q ? q.Trust(Iou) : null;

    /// <summary>The label's IoU as a multiple of chance; null when not measured.</summary>
    public double? Lift => Concept is null ? null : Reliability?.Lift;
}
