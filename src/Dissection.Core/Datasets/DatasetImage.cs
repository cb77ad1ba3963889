// One row of a concept dataset's index: where the image is and which label files or image-level labels it has.
namespace Dissection.Core.Datasets;

/// <param name="Path">The image path exactly as written in index.csv (relative to the dataset's images/ folder).</param>
/// <param name="SceneLabel">Image-level scene label number, or null; used as the class by ablation.</param>
public sealed record DatasetImage(int Index, string Path, string Split, int Height, int Width, int SegHeight, int SegWidth, int? SceneLabel);
