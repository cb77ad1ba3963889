// A labelled concept of a concept dataset (Broden label.csv row): number, name and primary category.
namespace Dissection.Core.Datasets;

public sealed record Concept(int Number, string Name, string Category);
