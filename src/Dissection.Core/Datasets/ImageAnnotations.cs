// Where one image's labels live: segmentation PNGs (one per plane), image-level label numbers, annotated categories.
namespace Dissection.Core.Datasets;

internal sealed record ImageAnnotations(string[] SegmentationFiles, int[] ImageLabels, string[] Categories)
{
    public static readonly ImageAnnotations None = new([], [], []);
}
