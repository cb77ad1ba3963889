// The labels of one image at segmentation resolution: several label planes (multi-label pixels) plus image-level labels.
namespace Dissection.Core.Datasets;

/// <param name="Planes">Each plane is SegHeight*SegWidth label numbers, row-major; 0 = unlabelled.</param>
/// <param name="ImageLabels">Image-level labels (scene, texture): they count for every pixel.</param>
/// <param name="Categories">Categories annotated for this image (non-empty cells), in index.csv order.</param>
public sealed record PixelLabels(int SegHeight, int SegWidth, IReadOnlyList<int[]> Planes, IReadOnlyList<int> ImageLabels, IReadOnlyList<string> Categories);
