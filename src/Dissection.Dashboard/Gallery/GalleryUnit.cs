// What the gallery needs to know about one unit, without its activation maps or histogram.
namespace Dissection.Dashboard.Gallery;

/// <param name="Concept">The unit's best concept, or null when the dataset had no labels.</param>
/// <param name="IsDetector">The best IoU exceeds the run's IoU cut-off.</param>
public sealed record GalleryUnit(int Unit, string? Concept, string? Category, double Iou, float Threshold, bool IsDetector, int TopImages);
