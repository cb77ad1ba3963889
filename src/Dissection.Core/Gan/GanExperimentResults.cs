// What the two causal experiments of GAN dissection measure (network-dissection.md §5.3), as plain records the store
// keeps and the dashboard charts: the object-removal curve (ablate the top k units of a concept, k = 0…K) and the
// context dependence of insertion (switch a concept's units on at one cell at a time, grouped by what is there).
namespace Dissection.Core.Gan;

/// <summary>One point of the removal curve.</summary>
/// <param name="Units">k: how many of the concept's top units were zeroed (over the whole feature map).</param>
/// <param name="MeanFraction">Mean share of each image's pixels the segmenter labels with the concept.</param>
/// <param name="Remaining">Share of the concept's pixels that remain: MeanFraction / baseline MeanFraction (1 at k = 0).</param>
/// <param name="Low">Lower end of the 99 % interval of Remaining (paired per-image differences); NaN when undefined.</param>
/// <param name="High">Upper end of that interval.</param>
public sealed record RemovalPoint(int Units, double MeanFraction, double Remaining, double Low, double High);

/// <summary>The paper's tree-removal curve for one concept on one generator layer.</summary>
/// <param name="Concept">Label number of the concept in the segmenter's numbering.</param>
/// <param name="RankedUnits">The concept's units by IoU, best first; point k zeroes the first k.</param>
/// <param name="Samples">Latents measured: Seed's first Samples latents (ZDataset.FromSeed).</param>
/// <param name="Points">k = 0…RankedUnits.Count.</param>
public sealed record RemovalCurve(string Layer, int Concept, string ConceptName, IReadOnlyList<int> RankedUnits,
    int Samples, long Seed, IReadOnlyList<RemovalPoint> Points)
{
    /// <summary>Mean share of pixels labelled with the concept before any edit.</summary>
    public double BaselineFraction => Points.Count > 0 ? Points[0].MeanFraction : double.NaN;
}

/// <summary>Insertion at cells whose (unedited) segment label is one context.</summary>
/// <param name="Context">Label number of the context (the segmenter's object plane at the cell centre; 0 = unlabelled).</param>
/// <param name="Cells">How many (sample, cell) insertions had this context.</param>
/// <param name="MeanAdded">Mean added area of the inserted concept per insertion, as a share of the image's pixels
/// (edited minus unedited pixels; negative when the edit removed some).</param>
/// <param name="Low">99 % interval of MeanAdded; NaN when undefined (fewer than 2 cells).</param>
public sealed record ContextRow(int Context, string ContextName, int Cells, double MeanAdded, double Low, double High);

/// <summary>Context dependence of inserting one concept.</summary>
/// <param name="Units">The concept's top units by IoU that were switched on.</param>
/// <param name="Levels">The value each unit was set to (its high-quantile level), in the order of Units.</param>
/// <param name="BaselineFraction">Mean share of pixels with the concept in the unedited samples.</param>
/// <param name="Contexts">One row per context seen, most cells first.</param>
public sealed record ContextInsertion(string Layer, int Concept, string ConceptName, IReadOnlyList<int> Units,
    IReadOnlyList<float> Levels, int Samples, long Seed, double BaselineFraction, IReadOnlyList<ContextRow> Contexts);
