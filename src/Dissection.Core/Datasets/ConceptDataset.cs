// A Broden-format concept dataset on disk (or a plain image folder without labels).
using static TorchSharp.torch;

namespace Dissection.Core.Datasets;

public sealed class ConceptDataset
{
    /// <summary>Opens and validates a Broden folder (index.csv, label.csv, category.csv, c_*.csv) or a plain image folder.</summary>
    /// <exception cref="DatasetFormatException">names the file and line of the first problem.</exception>
    public static ConceptDataset Open(string directory) => throw new NotImplementedException();

    public string Root { get; } = "";
    public bool HasLabels { get; }
    /// <summary>Indexed by label number; entry 0 is the '-' (unlabelled) placeholder.</summary>
    public IReadOnlyList<Concept> Concepts { get; } = [];
    public IReadOnlyList<string> Categories { get; } = [];
    public IReadOnlyList<DatasetImage> Images { get; } = [];

    /// <summary>Absolute path of an image file.</summary>
    public string ImagePath(DatasetImage image) => throw new NotImplementedException();

    /// <summary>Decodes an image as RGB float (3,size,size) in [0,1], resized to size x size.</summary>
    /// <exception cref="BadImageException">the file is missing, corrupt or too large.</exception>
    public Tensor LoadImage(DatasetImage image, int size) => throw new NotImplementedException();

    public PixelLabels LoadLabels(DatasetImage image) => throw new NotImplementedException();
}
