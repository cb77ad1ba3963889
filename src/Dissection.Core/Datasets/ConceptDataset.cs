// A Broden-format concept dataset on disk (or a plain image folder without labels).
// Format rules are documented in BrodenFormat.cs; validation happens in Open, PNG contents are checked in LoadLabels.
// Immutable after Open: LoadImage, LoadImages and LoadLabels may be called from several threads at once.
using static TorchSharp.torch;

namespace Dissection.Core.Datasets;

public sealed class ConceptDataset
{
    readonly string _imagesDirectory = "";
    readonly bool[] _knownLabels = [];
    readonly ImageAnnotations[] _annotations = [];

    ConceptDataset(DatasetContents c)
    {
        Root = c.Root;
        HasLabels = c.HasLabels;
        Concepts = c.Concepts;
        Categories = c.Categories;
        Images = c.Images;
        _imagesDirectory = c.ImagesDirectory;
        _knownLabels = c.KnownLabels;
        _annotations = c.Annotations;
        Coverage = c.Coverage;
    }

    /// <summary>Opens and validates a Broden folder (index.csv, label.csv, category.csv, c_*.csv) or a plain image folder.</summary>
    /// <exception cref="DatasetFormatException">names the file and line of the first problem.</exception>
    public static ConceptDataset Open(string directory)
    {
        if (!Directory.Exists(directory)) throw new DatasetFormatException($"{directory}: dataset folder does not exist");
        string root = Path.GetFullPath(directory);
        return new ConceptDataset(File.Exists(Path.Combine(root, "index.csv"))
            ? BrodenReader.Read(root)
            : ImageFolderReader.Read(root));
    }

    public string Root { get; } = "";
    public bool HasLabels { get; }
    /// <summary>Indexed by label number; entry 0 is the '-' (unlabelled) placeholder.</summary>
    public IReadOnlyList<Concept> Concepts { get; } = [];
    public IReadOnlyList<string> Categories { get; } = [];
    public IReadOnlyList<DatasetImage> Images { get; } = [];
    /// <summary>category.csv order and c_*.csv label coverages (CVPR17's primary categories).</summary>
    public CategoryCoverage Coverage { get; } = CategoryCoverage.None;

    void RequireOwn(DatasetImage image)
    {
        if (image.Index < 0 || image.Index >= Images.Count || Images[image.Index] != image)
            throw new ArgumentException($"image #{image.Index} '{image.Path}' does not belong to the dataset at {Root}");
    }

    /// <summary>Absolute path of an image file.</summary>
    public string ImagePath(DatasetImage image) => Path.Combine(_imagesDirectory, image.Path);

    /// <summary>Decodes an image at its own size as RGB (for display and single-image probing).</summary>
    /// <exception cref="BadImageException">the file is missing, corrupt or too large.</exception>
    public SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24> LoadPicture(DatasetImage image)
    {
        RequireOwn(image);
        return ImageDecoding.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(ImagePath(image));
    }

    /// <summary>Decodes an image as RGB float (3,size,size) in [0,1], resized to size x size.</summary>
    /// <exception cref="BadImageException">the file is missing, corrupt or too large.</exception>
    public Tensor LoadImage(DatasetImage image, int size)
    {
        RequireOwn(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var data = new float[3 * size * size];
        ImageDecoding.DecodeInto(ImagePath(image), size, data, 0);
        return tensor(data, [3L, size, size]);
    }

    /// <summary>Decodes many images in parallel (2 workers) into one (B,3,size,size) tensor. Images that fail are left
    /// as zeros and listed in Failures, so one bad file does not stop a dissection.</summary>
    public ImageBatch LoadImages(IReadOnlyList<DatasetImage> images, int size, int workers = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        int per = 3 * size * size;
        var data = new float[(long)images.Count * per];
        var failures = new System.Collections.Concurrent.ConcurrentBag<ImageFailure>();
        Parallel.For(0, images.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers) }, i =>
        {
            RequireOwn(images[i]);
            string path = ImagePath(images[i]);
            try { ImageDecoding.DecodeInto(path, size, data, i * per); }
            catch (BadImageException e)
            {
                Array.Clear(data, i * per, per);
                failures.Add(new ImageFailure(i, path, e.Reason));
            }
        });
        return new ImageBatch(tensor(data, [(long)images.Count, 3, size, size]),
            failures.OrderBy(f => f.Index).ToList());
    }

    /// <summary>Label planes at segmentation size plus image-level labels. Plain image folders return no labels.</summary>
    /// <exception cref="DatasetFormatException">a segmentation PNG is unreadable or holds a label number not in label.csv.</exception>
    public PixelLabels LoadLabels(DatasetImage image)
    {
        RequireOwn(image);
        var a = _annotations[image.Index];
        var planes = new int[a.SegmentationFiles.Length][];
        for (int i = 0; i < planes.Length; i++)
            planes[i] = SegmentationDecoding.DecodePlane(
                Path.Combine(_imagesDirectory, a.SegmentationFiles[i]), image.SegHeight, image.SegWidth, _knownLabels);
        return new PixelLabels(image.SegHeight, image.SegWidth, planes, a.ImageLabels, a.Categories);
    }
}
