// What opening a dataset folder yields: everything ConceptDataset needs, already validated.
namespace Dissection.Core.Datasets;

internal sealed record DatasetContents(
    string Root,
    string ImagesDirectory,
    bool HasLabels,
    IReadOnlyList<Concept> Concepts,
    bool[] KnownLabels,
    IReadOnlyList<string> Categories,
    IReadOnlyList<DatasetImage> Images,
    ImageAnnotations[] Annotations)
{
    /// <summary>category.csv order and c_*.csv coverages (Broden folders only).</summary>
    public CategoryCoverage Coverage { get; init; } = CategoryCoverage.None;
}
