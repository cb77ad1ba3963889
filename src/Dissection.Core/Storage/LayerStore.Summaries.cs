// Light queries for the dashboard pages and exports: summaries that never load activation maps or histograms,
// and single maps on demand for rendering.
using System.Text.Json;
using Dissection.Core.Dissection;
using Microsoft.Data.Sqlite;
using static Dissection.Core.Storage.ResultsStore;
using static Dissection.Core.Storage.RunStore;

namespace Dissection.Core.Storage;

public sealed partial class LayerStore : FeatureStore
{
    /// <summary>The units of one layer by unit number, without maps; empty when the layer is not saved.</summary>
    public IReadOnlyList<UnitSummary> GetUnitSummaries(long runId, string layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        using var c = Connect();
        using var tx = c.BeginTransaction(deferred: true);
        return ReadSummaries(c, tx, "l.run_id = $run AND l.name = $layer", "u.unit",
            ("$run", runId), ("$layer", layer));
    }

    /// <summary>
    /// Units of a run (all layers) whose label is <paramref name="conceptName"/> (exact name), in the run's layer order,
    /// best IoU first within a layer.
    /// </summary>
    public IReadOnlyList<UnitSummary> FindUnitsByConcept(long runId, string conceptName)
    {
        ArgumentNullException.ThrowIfNull(conceptName);
        using var c = Connect();
        using var tx = c.BeginTransaction(deferred: true);
        var order = LayerOrder(c, tx, runId);
        var units = ReadSummaries(c, tx, "u.run_id = $run AND u.label_name = $name", "u.label_iou DESC, u.unit",
            ("$run", runId), ("$name", conceptName));
        return units.OrderBy(u => order(u.Layer)).ThenBy(u => u.Layer, StringComparer.Ordinal).ToList();  // stable: keeps IoU order
    }

    /// <summary>One top image of a unit with its raw activation map, for rendering; null when absent.</summary>
    /// <param name="rank">0 = the unit's highest-activating image.</param>
    public TopImage? GetTopImageMap(long runId, string layer, int unit, int rank)
    {
        ArgumentNullException.ThrowIfNull(layer);
        using var c = Connect();
        using var cmd = Command(c, null, """
            SELECT t.image_index, t.path, t.activation, t.map_h, t.map_w, t.map
            FROM layers l JOIN units u ON u.layer_id = l.id JOIN unit_top_images t ON t.unit_id = u.id
            WHERE l.run_id = $run AND l.name = $layer AND u.unit = $unit AND t.rank = $rank
            """, ("$run", runId), ("$layer", layer), ("$unit", unit), ("$rank", rank));
        using var r = cmd.ExecuteReader();
        return r.Read()
            ? new TopImage(r.GetInt32(0), r.GetString(1), r.GetFloat(2), r.GetInt32(3), r.GetInt32(4), Blobs.ToFloats(r.GetFieldValue<byte[]>(5)))
            : null;
    }

    /// <summary>
    /// Every saved layer of a run, in the run's layer order, with detector counts per category and unique concepts,
    /// judged by the run's IoU threshold. Empty for an unknown run.
    /// </summary>
    public IReadOnlyList<LayerSummary> GetLayerSummaries(long runId)
    {
        using var c = Connect();
        using var tx = c.BeginTransaction(deferred: true);
        if (GetRun(c, tx, runId) is not { } run) return [];
        var threshold = run.Settings.IouThreshold;

        var perCategory = new Dictionary<long, Dictionary<string, int>>();
        using (var cmd = Command(c, tx, """
                   SELECT u.layer_id, u.label_category, COUNT(*) FROM units u
                   WHERE u.run_id = $run AND u.label_iou > $t GROUP BY u.layer_id, u.label_category
                   """, ("$run", runId), ("$t", threshold)))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
            {
                if (!perCategory.TryGetValue(r.GetInt64(0), out var counts)) perCategory[r.GetInt64(0)] = counts = [];
                counts[r.GetString(1)] = r.GetInt32(2);
            }

        var layers = new List<(long Id, LayerSummary Summary)>();
        using (var cmd = Command(c, tx, """
                   SELECT l.id, l.name, l.shape, l.images, l.elapsed_seconds, COUNT(u.id),
                          COALESCE(SUM(u.label_iou > $t), 0),
                          COUNT(DISTINCT CASE WHEN u.label_iou > $t THEN u.label_category || char(31) || u.label_name END)
                   FROM layers l LEFT JOIN units u ON u.layer_id = l.id
                   WHERE l.run_id = $run GROUP BY l.id
                   """, ("$run", runId), ("$t", threshold)))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
            {
                var id = r.GetInt64(0);
                layers.Add((id, new LayerSummary(
                    Layer: r.GetString(1),
                    Shape: JsonSerializer.Deserialize<int[]>(r.GetString(2), Json) ?? [],
                    Units: r.GetInt32(5),
                    Images: r.GetInt32(3),
                    Elapsed: TimeSpan.FromSeconds(r.GetDouble(4)),
                    Detectors: r.GetInt32(6),
                    DetectorsPerCategory: perCategory.GetValueOrDefault(id) ?? [],
                    UniqueConcepts: r.GetInt32(7))));
            }
        var order = run.Layers.ToList();
        return layers.OrderBy(l => order.IndexOf(l.Summary.Layer) is var i && i >= 0 ? i : int.MaxValue).ThenBy(l => l.Id)
            .Select(l => l.Summary).ToList();
    }

    /// <summary>
    /// The concepts that label any unit of a run, most detectors first (then best IoU), with counts across layers.
    /// </summary>
    public IReadOnlyList<ConceptSummary> GetConceptSummaries(long runId)
    {
        using var c = Connect();
        using var tx = c.BeginTransaction(deferred: true);
        if (GetRun(c, tx, runId) is not { } run) return [];
        using var cmd = Command(c, tx, """
            SELECT label_name, label_category, COUNT(*) AS units, COALESCE(SUM(label_iou > $t), 0) AS detectors,
                   MAX(label_iou) AS best
            FROM units WHERE run_id = $run AND label_name IS NOT NULL
            GROUP BY label_category, label_name
            ORDER BY detectors DESC, best DESC, label_name
            """, ("$run", runId), ("$t", run.Settings.IouThreshold));
        using var r = cmd.ExecuteReader();
        var concepts = new List<ConceptSummary>();
        while (r.Read())
            concepts.Add(new ConceptSummary(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt32(3), r.GetDouble(4)));
        return concepts;
    }

    /// <summary>Unit summaries for the units matching <paramref name="filter"/> (over aliases u = units, l = layers).</summary>
    private static List<UnitSummary> ReadSummaries(SqliteConnection c, SqliteTransaction tx, string filter, string orderBy,
        params (string, object?)[] ps)
    {
        var top = new Dictionary<long, List<ConceptScore>>();
        using (var cmd = Command(c, tx, $"""
                   SELECT k.unit_id, k.concept, k.name, k.category, k.iou
                   FROM layers l JOIN units u ON u.layer_id = l.id JOIN unit_concepts k ON k.unit_id = u.id
                   WHERE {filter} AND k.kind = 0 ORDER BY u.unit, k.rank
                   """, ps))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
                Bucket(top, r.GetInt64(0)).Add(new ConceptScore(r.GetInt32(1), r.GetString(2), r.GetString(3), r.GetDouble(4)));

        var images = new Dictionary<long, List<TopImageRef>>();
        using (var cmd = Command(c, tx, $"""
                   SELECT t.unit_id, t.rank, t.image_index, t.path, t.activation
                   FROM layers l JOIN units u ON u.layer_id = l.id JOIN unit_top_images t ON t.unit_id = u.id
                   WHERE {filter} ORDER BY u.unit, t.rank
                   """, ps))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
                Bucket(images, r.GetInt64(0)).Add(new TopImageRef(r.GetInt32(1), r.GetInt32(2), r.GetString(3), r.GetFloat(4)));

        var units = new List<UnitSummary>();
        using (var cmd = Command(c, tx, $"""
                   SELECT u.id, l.name, u.unit, u.threshold, u.label_concept, u.label_name, u.label_category, u.label_iou,
                          {ReliabilityColumns}
                   FROM layers l JOIN units u ON u.layer_id = l.id LEFT JOIN unit_reliability q ON q.unit_id = u.id
                   WHERE {filter} ORDER BY {orderBy}
                   """, ps))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
            {
                var id = r.GetInt64(0);
                units.Add(new UnitSummary(r.GetString(1), r.GetInt32(2), r.GetFloat(3), ReadLabel(r, 4),
                    top.GetValueOrDefault(id) ?? [], images.GetValueOrDefault(id) ?? []) { Reliability = ReadReliability(r, 8) });
            }
        return units;
    }
}
