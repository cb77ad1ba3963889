// GAN dissection in the store (migration 4): which runs are generator runs and on what samples, every unit's IoU with
// every concept (to rank a concept's units beyond each unit's top 5), and the two causal experiments. A GAN run is
// otherwise an ordinary run: its layers, units and top images use the same tables, so every dashboard page works.
using System.Text.Json;
using Dissection.Core.Dissection;
using Dissection.Core.Gan;
using Microsoft.Data.Sqlite;
using static Dissection.Core.Storage.ResultsStore;
using static Dissection.Core.Storage.RunStore;

namespace Dissection.Core.Storage;

/// <summary>A generator run: the run id with what it dissected.</summary>
public sealed record StoredGanRun(long RunId, GanSampleSet Samples);

/// <summary>A unit ranked for a concept: its IoU with the concept and its insertion level (the run's threshold, i.e.
/// the unit's (1 − quantile) level: the 99th percentile for the default top-1 % run).</summary>
public sealed record ConceptUnit(int Unit, double Iou, float Level);

public sealed record StoredRemovalCurve(long Id, long RunId, DateTime CreatedUtc, RemovalCurve Curve);

public sealed record StoredContextInsertion(long Id, long RunId, DateTime CreatedUtc, ContextInsertion Result);

public sealed class GanStore : FeatureStore
{
    internal GanStore(ResultsStore store) : base(store) { }

    /// <summary>
    /// Stores a generator run's layers like any run's (top concepts trimmed to topConcepts), plus every unit's IoU
    /// with every concept (for ConceptUnit rankings) and the run's samples. The run must exist.
    /// </summary>
    public void SaveDissection(long runId, GanSampleSet samples, IReadOnlyList<LayerResult> layers, int topConcepts)
    {
        SaveGanRun(runId, samples);
        foreach (var layer in layers) SaveDissectedLayer(runId, layer, topConcepts);
    }

    /// <summary>One layer: its full concept IoUs, then the layer itself (the layer row last, so a layer counts as
    /// stored, and a resumed job skips it, only when both are there).</summary>
    public void SaveDissectedLayer(long runId, LayerResult layer, int topConcepts)
    {
        SaveConceptIous(runId, layer);
        Store.Layers.SaveLayer(runId, layer with { Units = layer.Units.Select(u => u with { TopConcepts = u.TopConcepts.Take(topConcepts).ToList() }).ToList() });
    }

    /// <summary>Marks a run as a generator run on these samples (replacing an earlier record of the same run).</summary>
    /// <exception cref="ArgumentException">the run does not exist.</exception>
    public void SaveGanRun(long runId, GanSampleSet samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        using var c = Connect();
        using var tx = c.BeginTransaction();
        RequireRun(c, tx, runId);
        Execute(c, tx, """
            INSERT OR REPLACE INTO gan_runs (run_id, generator, segmenter, z_seed, z_count, z_dim, resolution, seg_size, folder)
            VALUES ($run, $g, $s, $seed, $count, $zdim, $res, $seg, $folder)
            """, ("$run", runId), ("$g", samples.Generator), ("$s", samples.Segmenter), ("$seed", samples.Seed),
            ("$count", samples.Count), ("$zdim", samples.ZDim), ("$res", samples.Resolution), ("$seg", samples.SegSize),
            ("$folder", samples.Folder));
        tx.Commit();
    }

    /// <summary>The samples of a generator run; null for a classifier run or an unknown id.</summary>
    public GanSampleSet? GetGanRun(long runId) =>
        ReadGanRuns("WHERE run_id = $run", ("$run", runId)).Select(r => r.Samples).FirstOrDefault();

    /// <summary>Generator runs, newest first; only those of one generator spec when given (exact string).</summary>
    public IReadOnlyList<StoredGanRun> GetGanRuns(string? generator = null) =>
        ReadGanRuns("WHERE $g IS NULL OR generator = $g", ("$g", generator));

    private List<StoredGanRun> ReadGanRuns(string where, params (string, object?)[] parameters)
    {
        using var c = Connect();
        using var cmd = Command(c, null, $"""
            SELECT run_id, generator, segmenter, z_seed, z_count, z_dim, resolution, seg_size, folder
            FROM gan_runs {where} ORDER BY run_id DESC
            """, parameters);
        using var r = cmd.ExecuteReader();
        var list = new List<StoredGanRun>();
        while (r.Read())
            list.Add(new StoredGanRun(r.GetInt64(0), new GanSampleSet(r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt32(4),
                r.GetInt32(5), r.GetInt32(6), r.GetInt32(7), r.GetString(8))));
        return list;
    }

    /// <summary>Stores every (unit, concept) IoU of a layer given in the units' TopConcepts (the generator dissection
    /// passes them untrimmed), replacing what was stored for that layer. Zero IoUs need not be given.</summary>
    public void SaveConceptIous(long runId, LayerResult layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        using var c = Connect();
        using var tx = c.BeginTransaction();
        RequireRun(c, tx, runId);
        Execute(c, tx, "DELETE FROM unit_concept_ious WHERE run_id = $run AND layer = $layer", ("$run", runId), ("$layer", layer.Layer));
        using var cmd = Command(c, tx, """
            INSERT OR REPLACE INTO unit_concept_ious (run_id, layer, concept, name, category, unit, iou)
            VALUES ($run, $layer, $concept, $name, $category, $unit, $iou)
            """, ("$run", runId), ("$layer", layer.Layer), ("$concept", 0), ("$name", ""), ("$category", ""), ("$unit", 0), ("$iou", 0.0));
        foreach (var u in layer.Units)
        foreach (var k in u.TopConcepts)
        {
            if (!double.IsFinite(k.Iou)) continue;
            cmd.Parameters["$concept"].Value = k.Concept;
            cmd.Parameters["$name"].Value = k.Name;
            cmd.Parameters["$category"].Value = k.Category;
            cmd.Parameters["$unit"].Value = u.Unit;
            cmd.Parameters["$iou"].Value = k.Iou;
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    /// <summary>
    /// The units of a saved layer ranked by IoU with a concept (exact name), best first, ties by unit number; at most
    /// <paramref name="limit"/>. Uses the full IoU table when the run has one (generator runs), otherwise each unit's
    /// stored top concepts. Units with zero IoU are not listed. Empty for an unknown run, layer or concept.
    /// </summary>
    public IReadOnlyList<ConceptUnit> GetConceptUnits(long runId, string layer, string concept, int limit = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(concept);
        using var c = Connect();
        using var tx = c.BeginTransaction(deferred: true);
        using (var has = Command(c, tx, "SELECT EXISTS (SELECT 1 FROM unit_concept_ious WHERE run_id = $run AND layer = $layer)",
                   ("$run", runId), ("$layer", layer)))
        {
            var full = Convert.ToInt64(has.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) != 0;
            var sql = full
                ? """
                  SELECT i.unit, MAX(i.iou), u.threshold
                  FROM unit_concept_ious i JOIN layers l ON l.run_id = i.run_id AND l.name = i.layer
                       JOIN units u ON u.layer_id = l.id AND u.unit = i.unit
                  WHERE i.run_id = $run AND i.layer = $layer AND i.name = $name AND i.iou > 0
                  GROUP BY i.unit ORDER BY MAX(i.iou) DESC, i.unit LIMIT $limit
                  """
                : """
                  SELECT u.unit, MAX(k.iou), u.threshold
                  FROM layers l JOIN units u ON u.layer_id = l.id JOIN unit_concepts k ON k.unit_id = u.id AND k.kind = 0
                  WHERE l.run_id = $run AND l.name = $layer AND k.name = $name AND k.iou > 0
                  GROUP BY u.unit ORDER BY MAX(k.iou) DESC, u.unit LIMIT $limit
                  """;
            using var cmd = Command(c, tx, sql, ("$run", runId), ("$layer", layer), ("$name", concept), ("$limit", (long)Math.Max(0, limit)));
            using var r = cmd.ExecuteReader();
            var list = new List<ConceptUnit>();
            while (r.Read()) list.Add(new ConceptUnit(r.GetInt32(0), r.GetDouble(1), r.GetFloat(2)));
            return list;
        }
    }

    // ---- the causal experiments ----

    /// <summary>Stores a removal curve for a run; returns its id. Several curves per (run, layer) are kept, newest last.</summary>
    /// <exception cref="ArgumentException">unknown run, or points that are not k = 0…n in order.</exception>
    public long SaveRemovalCurve(long runId, RemovalCurve curve)
    {
        ArgumentNullException.ThrowIfNull(curve);
        ArgumentException.ThrowIfNullOrWhiteSpace(curve.Layer);
        for (var i = 0; i < curve.Points.Count; i++)
            if (curve.Points[i].Units != i) throw new ArgumentException($"removal curve: point {i} is for k = {curve.Points[i].Units}; points must be k = 0, 1, 2, …");
        using var c = Connect();
        using var tx = c.BeginTransaction();
        RequireRun(c, tx, runId);
        long id;
        using (var cmd = Command(c, tx, """
            INSERT INTO gan_removals (run_id, layer, concept, concept_name, units, samples, z_seed, created_utc)
            VALUES ($run, $layer, $concept, $name, $units, $samples, $seed, $created) RETURNING id
            """, ("$run", runId), ("$layer", curve.Layer), ("$concept", curve.Concept), ("$name", curve.ConceptName),
            ("$units", JsonSerializer.Serialize(curve.RankedUnits, Json)), ("$samples", curve.Samples), ("$seed", curve.Seed),
            ("$created", Utc(DateTime.UtcNow))))
            id = (long)cmd.ExecuteScalar()!;
        foreach (var p in curve.Points)
            Execute(c, tx, """
                INSERT INTO gan_removal_points (removal_id, k, mean_fraction, remaining, low, high)
                VALUES ($id, $k, $f, $rem, $low, $high)
                """, ("$id", id), ("$k", p.Units), ("$f", Finite(p.MeanFraction)), ("$rem", Finite(p.Remaining)),
                ("$low", Finite(p.Low)), ("$high", Finite(p.High)));
        tx.Commit();
        return id;
    }

    /// <summary>A run's removal curves (one layer's when given), oldest first. NULLs read back as NaN.</summary>
    public IReadOnlyList<StoredRemovalCurve> GetRemovalCurves(long runId, string? layer = null)
    {
        using var c = Connect();
        using var tx = c.BeginTransaction(deferred: true);
        var heads = new List<(long Id, DateTime Created, string Layer, int Concept, string Name, int[] Units, int Samples, long Seed)>();
        using (var cmd = Command(c, tx, """
            SELECT id, created_utc, layer, concept, concept_name, units, samples, z_seed FROM gan_removals
            WHERE run_id = $run AND ($layer IS NULL OR layer = $layer) ORDER BY id
            """, ("$run", runId), ("$layer", layer)))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
                heads.Add((r.GetInt64(0), ParseUtc(r.GetString(1)), r.GetString(2), r.GetInt32(3), r.GetString(4),
                    JsonSerializer.Deserialize<int[]>(r.GetString(5), Json) ?? [], r.GetInt32(6), r.GetInt64(7)));
        var result = new List<StoredRemovalCurve>();
        foreach (var h in heads)
        {
            var points = new List<RemovalPoint>();
            using var cmd = Command(c, tx, "SELECT k, mean_fraction, remaining, low, high FROM gan_removal_points WHERE removal_id = $id ORDER BY k",
                ("$id", h.Id));
            using var r = cmd.ExecuteReader();
            while (r.Read()) points.Add(new RemovalPoint(r.GetInt32(0), Nullable(r, 1), Nullable(r, 2), Nullable(r, 3), Nullable(r, 4)));
            result.Add(new StoredRemovalCurve(h.Id, runId, h.Created, new RemovalCurve(h.Layer, h.Concept, h.Name, h.Units, h.Samples, h.Seed, points)));
        }
        return result;
    }

    /// <summary>Stores a context-insertion result for a run; returns its id.</summary>
    /// <exception cref="ArgumentException">unknown run, a context listed twice, or levels that do not match the units.</exception>
    public long SaveContextInsertion(long runId, ContextInsertion result)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentException.ThrowIfNullOrWhiteSpace(result.Layer);
        if (result.Levels.Count != result.Units.Count)
            throw new ArgumentException($"context insertion: {result.Units.Count} units but {result.Levels.Count} levels");
        if (result.Contexts.Select(x => x.Context).Distinct().Count() != result.Contexts.Count)
            throw new ArgumentException("context insertion: a context is listed twice");
        using var c = Connect();
        using var tx = c.BeginTransaction();
        RequireRun(c, tx, runId);
        long id;
        using (var cmd = Command(c, tx, """
            INSERT INTO gan_contexts (run_id, layer, concept, concept_name, units, levels, samples, z_seed, baseline_fraction, created_utc)
            VALUES ($run, $layer, $concept, $name, $units, $levels, $samples, $seed, $base, $created) RETURNING id
            """, ("$run", runId), ("$layer", result.Layer), ("$concept", result.Concept), ("$name", result.ConceptName),
            ("$units", JsonSerializer.Serialize(result.Units, Json)), ("$levels", JsonSerializer.Serialize(result.Levels, Json)),
            ("$samples", result.Samples), ("$seed", result.Seed), ("$base", Finite(result.BaselineFraction)),
            ("$created", Utc(DateTime.UtcNow))))
            id = (long)cmd.ExecuteScalar()!;
        foreach (var row in result.Contexts)
            Execute(c, tx, """
                INSERT INTO gan_context_rows (context_id, context, context_name, cells, mean_added, low, high)
                VALUES ($id, $ctx, $name, $cells, $mean, $low, $high)
                """, ("$id", id), ("$ctx", row.Context), ("$name", row.ContextName), ("$cells", row.Cells),
                ("$mean", Finite(row.MeanAdded)), ("$low", Finite(row.Low)), ("$high", Finite(row.High)));
        tx.Commit();
        return id;
    }

    /// <summary>A run's context-insertion results (one layer's when given), oldest first; rows most cells first.</summary>
    public IReadOnlyList<StoredContextInsertion> GetContextInsertions(long runId, string? layer = null)
    {
        using var c = Connect();
        using var tx = c.BeginTransaction(deferred: true);
        var heads = new List<(long Id, DateTime Created, ContextInsertion Partial)>();
        using (var cmd = Command(c, tx, """
            SELECT id, created_utc, layer, concept, concept_name, units, levels, samples, z_seed, baseline_fraction FROM gan_contexts
            WHERE run_id = $run AND ($layer IS NULL OR layer = $layer) ORDER BY id
            """, ("$run", runId), ("$layer", layer)))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
                heads.Add((r.GetInt64(0), ParseUtc(r.GetString(1)), new ContextInsertion(r.GetString(2), r.GetInt32(3), r.GetString(4),
                    JsonSerializer.Deserialize<int[]>(r.GetString(5), Json) ?? [], JsonSerializer.Deserialize<float[]>(r.GetString(6), Json) ?? [],
                    r.GetInt32(7), r.GetInt64(8), Nullable(r, 9), [])));
        var result = new List<StoredContextInsertion>();
        foreach (var h in heads)
        {
            var rows = new List<ContextRow>();
            using var cmd = Command(c, tx, """
                SELECT context, context_name, cells, mean_added, low, high FROM gan_context_rows
                WHERE context_id = $id ORDER BY cells DESC, context
                """, ("$id", h.Id));
            using var r = cmd.ExecuteReader();
            while (r.Read()) rows.Add(new ContextRow(r.GetInt32(0), r.GetString(1), r.GetInt32(2), Nullable(r, 3), Nullable(r, 4), Nullable(r, 5)));
            result.Add(new StoredContextInsertion(h.Id, runId, h.Created, h.Partial with { Contexts = rows }));
        }
        return result;
    }
}
