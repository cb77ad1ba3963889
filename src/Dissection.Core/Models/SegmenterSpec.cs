// Resolving a segmenter from the command line / dashboard: "world-seg:PATH" (or a bare PATH to world-segmenter
// weights). A segmenter only returns label numbers, so it comes with the vocabulary that names them; the world
// segmenter's numbering is the world catalogue's, the same numbers the world's label.csv gives.
using Dissection.Core.Datasets;
using Dissection.Core.World;

namespace Dissection.Core.Models;

/// <param name="Concepts">Indexed by label number; entry 0 is the unlabelled placeholder '-'. Only the categories
/// of the segmenter's planes are named (no scene labels: a segmenter labels pixels); others have an empty name.</param>
public sealed record LoadedSegmenter(string Spec, ISegmenter Segmenter, IReadOnlyList<Concept> Concepts) : IDisposable
{
    /// <summary>Index of a plane by category ("object"), or -1.</summary>
    public int PlaneOf(string category) => Segmenter.PlaneCategories.ToList().IndexOf(category);

    /// <summary>A concept's label number by exact name, within the segmenter's categories.</summary>
    /// <exception cref="ArgumentException">no such concept; the message names a few that exist.</exception>
    public Concept Find(string name) =>
        Concepts.Skip(1).FirstOrDefault(c => c.Name.Length > 0 && string.Equals(c.Name, name, StringComparison.Ordinal))
        ?? throw new ArgumentException($"'{name}' is not a concept of segmenter '{Spec}'; e.g. {string.Join(", ", Concepts.Skip(1).Where(c => c.Name.Length > 0).Take(8).Select(c => c.Name))}");

    public void Dispose() => (Segmenter as IDisposable)?.Dispose();
}

public static class SegmenterSpec
{
    public const string World = "world-seg";

    /// <exception cref="ArgumentException">an unknown segmenter kind.</exception>
    /// <exception cref="IOException">the weights are missing or not a world segmenter (the message says which).</exception>
    public static LoadedSegmenter Load(string spec)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        var colon = spec.IndexOf(':');
        string kind = World, path = spec;
        if (colon > 0 && !File.Exists(spec)) (kind, path) = (spec[..colon].Trim(), spec[(colon + 1)..].Trim());
        if (!string.Equals(kind, World, StringComparison.Ordinal))
            throw new ArgumentException($"unknown segmenter '{kind}' in '{spec}'; use {World}:PATH");
        if (!File.Exists(path)) throw new FileNotFoundException($"segmenter weights '{path}' not found", path);
        var segmenter = WorldSegmenter.Load(path);
        var planes = segmenter.PlaneCategories.ToHashSet(StringComparer.Ordinal);
        var concepts = WorldCatalog.Concepts.Select(c => c.Number == 0 ? new Concept(0, "-", "") : planes.Contains(c.Category) ? new Concept(c.Number, c.Name, c.Category) : new Concept(c.Number, "", "")).ToList();
        return new LoadedSegmenter(spec, segmenter, concepts);
    }
}
