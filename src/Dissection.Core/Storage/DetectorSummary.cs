// Per-layer detector counts of a stored run, as `dissect summary` prints them: units, detectors, detectors per
// category, distinct concepts and the most common concepts. The paper's summary figure in numbers.
using System.Globalization;
using System.Text;

namespace Dissection.Core.Storage;

/// <summary>Detector units labelled with one concept in a layer.</summary>
public sealed record ConceptTally(string Name, string Category, int Units);

/// <summary>One layer's detectors. A detector is a unit whose best IoU exceeds the run's IoU threshold.</summary>
public sealed record LayerDetectors(string Layer, int Units, int Detectors, IReadOnlyDictionary<string, int> PerCategory,
    int DistinctConcepts, IReadOnlyList<ConceptTally> TopConcepts);

public static class DetectorSummary
{
    /// <summary>Categories in the paper's order (broad to fine); others follow alphabetically.</summary>
    private static readonly string[] CategoryOrder = ["scene", "object", "part", "material", "texture", "color"];

    /// <summary>Summarises one layer's units. Top concepts: most detector units first, ties by name.</summary>
    public static LayerDetectors Summarize(string layer, IReadOnlyCollection<UnitSummary> units, double iouThreshold, int top = 5)
    {
        var detectors = units.Where(u => u.IsDetector(iouThreshold)).Select(u => u.Label!).ToList();
        var perCategory = detectors.GroupBy(l => l.Category, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var concepts = detectors.GroupBy(l => (l.Name, l.Category))
            .Select(g => new ConceptTally(g.Key.Name, g.Key.Category, g.Count()))
            .OrderByDescending(c => c.Units).ThenBy(c => c.Name, StringComparer.Ordinal).ToList();
        return new LayerDetectors(layer, units.Count, detectors.Count, perCategory, concepts.Count, concepts.Take(top).ToList());
    }

    /// <summary>Every stored layer of a run, in run order.</summary>
    /// <exception cref="ArgumentException">the run does not exist.</exception>
    public static IReadOnlyList<LayerDetectors> ForRun(ResultsStore store, long runId, int top = 5)
    {
        var run = store.Runs.GetRun(runId) ?? throw new ArgumentException($"there is no run #{runId} in {store.FilePath}");
        return store.Layers.GetLayerSummaries(runId)
            .Select(l => Summarize(l.Layer, store.Layers.GetUnitSummaries(runId, l.Layer), run.Settings.IouThreshold, top))
            .ToList();
    }

    /// <summary>A fixed-width text table: one row per layer, one column per category that any layer has.</summary>
    public static string ToTable(IReadOnlyList<LayerDetectors> layers)
    {
        var categories = layers.SelectMany(l => l.PerCategory.Keys).Distinct(StringComparer.Ordinal)
            .OrderBy(c => Array.IndexOf(CategoryOrder, c) is var i && i >= 0 ? i : int.MaxValue)
            .ThenBy(c => c, StringComparer.Ordinal).ToList();
        var header = new List<string> { "layer", "units", "detectors" };
        header.AddRange(categories.Select(c => c.Length == 0 ? "(none)" : c));
        header.Add("concepts");
        header.Add("top concepts (detector units)");
        var rows = layers.Select(l =>
        {
            var row = new List<string> { l.Layer, I(l.Units), I(l.Detectors) };
            row.AddRange(categories.Select(c => I(l.PerCategory.GetValueOrDefault(c))));
            row.Add(I(l.DistinctConcepts));
            row.Add(string.Join(", ", l.TopConcepts.Select(c => $"{c.Name} {c.Units}")));
            return row;
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        var sb = new StringBuilder();
        void Line(IReadOnlyList<string> cells)
        {
            for (var i = 0; i < cells.Count; i++)
            {
                // Names left-aligned; numbers right-aligned; the last column is free text.
                var text = i == 0 || i == cells.Count - 1 ? cells[i].PadRight(i == cells.Count - 1 ? 0 : widths[i]) : cells[i].PadLeft(widths[i]);
                sb.Append(text);
                if (i < cells.Count - 1) sb.Append("  ");
            }
            sb.Append('\n');
        }
        Line(header);
        foreach (var r in rows) Line(r);
        return sb.ToString();
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
