// Saving and loading whole dissected layers. A layer is written in one transaction (readers see all of it or none),
// and every multi-query read runs in one read transaction, so it sees one consistent snapshot of the file.
using System.Text.Json;
using Dissection.Core.Dissection;
using Microsoft.Data.Sqlite;
using static Dissection.Core.Storage.ResultsStore;
using static Dissection.Core.Storage.RunStore;

namespace Dissection.Core.Storage;

public sealed partial class LayerStore : FeatureStore
{
    internal LayerStore(ResultsStore store) : base(store) { }

    /// <summary>
    /// Writes one layer in one transaction: readers see all of it or none of it. Saving a layer again replaces it
    /// atomically. Bad input (unknown run, duplicate unit, a map whose length is not height x width) throws
    /// ArgumentException and leaves the database as it was.
    /// </summary>
    public void SaveLayer(long runId, LayerResult layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentException.ThrowIfNullOrWhiteSpace(layer.Layer);
        ArgumentNullException.ThrowIfNull(layer.Shape);
        ArgumentNullException.ThrowIfNull(layer.Units);

        using var c = Connect();
        using var tx = c.BeginTransaction();  // disposed without Commit = rolled back, on any exception below
        RequireRun(c, tx, runId);
        Execute(c, tx, "DELETE FROM layers WHERE run_id = $run AND name = $name", ("$run", runId), ("$name", layer.Layer));

        long layerId;
        using (var cmd = Command(c, tx, """
            INSERT INTO layers (run_id, name, shape, images, elapsed_seconds)
            VALUES ($run, $name, $shape, $images, $elapsed) RETURNING id
            """, ("$run", runId), ("$name", layer.Layer), ("$shape", JsonSerializer.Serialize(layer.Shape, Json)),
            ("$images", layer.Images), ("$elapsed", layer.Elapsed.TotalSeconds)))
            layerId = (long)cmd.ExecuteScalar()!;

        using var writer = new LayerWriter(c, tx, runId, layerId);
        int? current = null;
        try
        {
            foreach (var unit in layer.Units)
            {
                current = unit?.Unit;
                writer.Write(layer.Layer, unit ?? throw new ArgumentException($"layer {layer.Layer}: a unit is null"));
            }
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)  // SQLITE_CONSTRAINT
        {
            throw new ArgumentException($"cannot save layer {layer.Layer} of run {runId}: unit {current}: {e.Message}", e);
        }
        tx.Commit();
    }

    /// <summary>
    /// The run's saved layers in the run's layer order; without units (empty Units) unless asked, which loads every
    /// map of every layer.
    /// </summary>
    public IReadOnlyList<LayerResult> GetLayers(long runId, bool includeUnits = false)
    {
        using var c = Connect();
        using var tx = c.BeginTransaction(deferred: true);
        var order = LayerOrder(c, tx, runId);
        var rows = new List<(long Id, LayerResult Layer)>();
        using (var cmd = Command(c, tx, "SELECT id, name, shape, images, elapsed_seconds FROM layers WHERE run_id = $run",
                   ("$run", runId)))
        using (var r = cmd.ExecuteReader())
            while (r.Read()) rows.Add((r.GetInt64(0), ReadLayerRow(r, 1, [])));
        return rows.OrderBy(row => order(row.Layer.Layer)).ThenBy(row => row.Id)
            .Select(row => includeUnits ? row.Layer with { Units = ReadUnits(c, tx, row.Id, unit: null) } : row.Layer)
            .ToList();
    }

    /// <summary>One saved layer with all its units, concept scores, top images (with maps) and histograms.</summary>
    public LayerResult? GetLayer(long runId, string layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        using var c = Connect();
        using var tx = c.BeginTransaction(deferred: true);
        if (FindLayer(c, tx, runId, layer) is not { } found) return null;
        return found.Layer with { Units = ReadUnits(c, tx, found.Id, unit: null) };
    }

    /// <summary>One unit of a saved layer, complete.</summary>
    public UnitResult? GetUnit(long runId, string layer, int unit)
    {
        ArgumentNullException.ThrowIfNull(layer);
        using var c = Connect();
        using var tx = c.BeginTransaction(deferred: true);
        if (FindLayer(c, tx, runId, layer) is not { } found) return null;
        return ReadUnits(c, tx, found.Id, unit).FirstOrDefault();
    }

    // ---- reading ----

    private static (long Id, LayerResult Layer)? FindLayer(SqliteConnection c, SqliteTransaction tx, long runId, string layer)
    {
        using var cmd = Command(c, tx, "SELECT id, name, shape, images, elapsed_seconds FROM layers WHERE run_id = $run AND name = $name",
            ("$run", runId), ("$name", layer));
        using var r = cmd.ExecuteReader();
        return r.Read() ? (r.GetInt64(0), ReadLayerRow(r, 1, [])) : null;
    }

    private static LayerResult ReadLayerRow(SqliteDataReader r, int first, IReadOnlyList<UnitResult> units) => new(
        Layer: r.GetString(first),
        Shape: JsonSerializer.Deserialize<int[]>(r.GetString(first + 1), Json) ?? [],
        Units: units,
        Images: r.GetInt32(first + 2),
        Elapsed: TimeSpan.FromSeconds(r.GetDouble(first + 3)));

    /// <summary>Sort key of a layer name: its position in the run's requested layers, unknown names last.</summary>
    internal static Func<string, int> LayerOrder(SqliteConnection c, SqliteTransaction tx, long runId)
    {
        using var cmd = Command(c, tx, "SELECT layers FROM runs WHERE id = $id", ("$id", runId));
        var names = cmd.ExecuteScalar() is string json ? JsonSerializer.Deserialize<string[]>(json, Json) ?? [] : [];
        return name => Array.IndexOf(names, name) is var i && i >= 0 ? i : int.MaxValue;
    }

    /// <summary>The units of one layer (or just <paramref name="unit"/>), ordered by unit number, complete with maps.</summary>
    private static List<UnitResult> ReadUnits(SqliteConnection c, SqliteTransaction tx, long layerId, int? unit)
    {
        var filter = unit is null ? "u.layer_id = $layer" : "u.layer_id = $layer AND u.unit = $unit";
        (string, object?)[] ps = [("$layer", layerId), ("$unit", unit)];

        var top = new Dictionary<long, List<ConceptScore>>();
        var best = new Dictionary<long, List<ConceptScore>>();
        using (var cmd = Command(c, tx, $"""
                   SELECT k.unit_id, k.kind, k.concept, k.name, k.category, k.iou
                   FROM unit_concepts k JOIN units u ON u.id = k.unit_id
                   WHERE {filter} ORDER BY u.unit, k.kind, k.rank
                   """, ps))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
                Bucket(r.GetInt32(1) == 0 ? top : best, r.GetInt64(0))
                    .Add(new ConceptScore(r.GetInt32(2), r.GetString(3), r.GetString(4), r.GetDouble(5)));

        var images = new Dictionary<long, List<TopImage>>();
        using (var cmd = Command(c, tx, $"""
                   SELECT t.unit_id, t.image_index, t.path, t.activation, t.map_h, t.map_w, t.map
                   FROM unit_top_images t JOIN units u ON u.id = t.unit_id
                   WHERE {filter} ORDER BY u.unit, t.rank  -- index order: no sort of the map blobs
                   """, ps))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
                Bucket(images, r.GetInt64(0)).Add(new TopImage(r.GetInt32(1), r.GetString(2), r.GetFloat(3),
                    r.GetInt32(4), r.GetInt32(5), Blobs.ToFloats(r.GetFieldValue<byte[]>(6))));

        var units = new List<UnitResult>();
        using (var cmd = Command(c, tx, $"""
                   SELECT u.id, u.unit, u.threshold, u.label_concept, u.label_name, u.label_category, u.label_iou,
                          u.hist_min, u.hist_max, u.hist_counts, {ReliabilityColumns}
                   FROM units u LEFT JOIN unit_reliability q ON q.unit_id = u.id WHERE {filter} ORDER BY u.unit
                   """, ps))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
            {
                var id = r.GetInt64(0);
                units.Add(new UnitResult(
                    Unit: r.GetInt32(1),
                    Threshold: r.GetFloat(2),
                    Label: ReadLabel(r, 3),
                    TopConcepts: top.GetValueOrDefault(id) ?? [],
                    BestPerCategory: best.GetValueOrDefault(id) ?? [],
                    TopImages: images.GetValueOrDefault(id) ?? [],
                    Histogram: new ActivationHistogram(r.GetFloat(7), r.GetFloat(8), Blobs.ToLongs(r.GetFieldValue<byte[]>(9))))
                {
                    Reliability = ReadReliability(r, 10),
                });
            }
        return units;
    }

    /// <summary>Reads label_concept, label_name, label_category, label_iou starting at <paramref name="first"/>.</summary>
    internal static ConceptScore? ReadLabel(SqliteDataReader r, int first) =>
        r.IsDBNull(first + 1) ? null
            : new ConceptScore(r.GetInt32(first), r.GetString(first + 1), r.GetString(first + 2), r.GetDouble(first + 3));

    /// <summary>The unit_reliability columns (alias q) that ReadReliability reads, in its order.</summary>
    internal const string ReliabilityColumns = "q.a_iou, q.b_iou, q.a_best, q.b_best, q.stable, q.chance_iou, q.lift";

    /// <summary>Reads <see cref="ReliabilityColumns"/> starting at <paramref name="first"/>; null for a unit without a row.</summary>
    internal static LabelReliability? ReadReliability(SqliteDataReader r, int first) =>
        r.IsDBNull(first) ? null
            : new LabelReliability(r.GetDouble(first), r.GetDouble(first + 1), r.IsDBNull(first + 2) ? null : r.GetString(first + 2),
                r.IsDBNull(first + 3) ? null : r.GetString(first + 3), r.GetInt32(first + 4) == 1, r.GetDouble(first + 5),
                r.GetDouble(first + 6));

    internal static List<T> Bucket<T>(Dictionary<long, List<T>> d, long key)
    {
        if (!d.TryGetValue(key, out var list)) d[key] = list = [];
        return list;
    }

    // ---- writing ----

    /// <summary>Prepared inserts for the units of one layer, reused row after row inside SaveLayer's transaction.</summary>
    private sealed class LayerWriter : IDisposable
    {
        private readonly SqliteCommand _unit, _concept, _image, _reliability;

        public LayerWriter(SqliteConnection c, SqliteTransaction tx, long runId, long layerId)
        {
            _unit = Command(c, tx, """
                INSERT INTO units (layer_id, run_id, unit, threshold, label_concept, label_name, label_category, label_iou,
                                   hist_min, hist_max, hist_counts)
                VALUES ($layer, $run, $unit, $threshold, $lc, $ln, $lcat, $liou, $hmin, $hmax, $hcounts) RETURNING id
                """, ("$layer", layerId), ("$run", runId), ("$unit", 0), ("$threshold", 0.0), ("$lc", null), ("$ln", null),
                ("$lcat", null), ("$liou", null), ("$hmin", 0.0), ("$hmax", 0.0), ("$hcounts", Array.Empty<byte>()));
            _concept = Command(c, tx, """
                INSERT INTO unit_concepts (unit_id, kind, rank, concept, name, category, iou)
                VALUES ($unit, $kind, $rank, $concept, $name, $category, $iou)
                """, ("$unit", 0L), ("$kind", 0), ("$rank", 0), ("$concept", 0), ("$name", ""), ("$category", ""), ("$iou", 0.0));
            _reliability = Command(c, tx, """
                INSERT INTO unit_reliability (unit_id, a_iou, b_iou, a_best, b_best, stable, chance_iou, lift)
                VALUES ($unit, $aIou, $bIou, $aBest, $bBest, $stable, $chance, $lift)
                """, ("$unit", 0L), ("$aIou", 0.0), ("$bIou", 0.0), ("$aBest", null), ("$bBest", null), ("$stable", 0),
                ("$chance", 0.0), ("$lift", 0.0));
            _image = Command(c, tx, """
                INSERT INTO unit_top_images (unit_id, rank, image_index, path, activation, map_h, map_w, map)
                VALUES ($unit, $rank, $image, $path, $activation, $h, $w, $map)
                """, ("$unit", 0L), ("$rank", 0), ("$image", 0), ("$path", ""), ("$activation", 0.0), ("$h", 0), ("$w", 0),
                ("$map", Array.Empty<byte>()));
        }

        public void Write(string layer, UnitResult u)
        {
            var where = $"layer {layer} unit {u.Unit}";
            if (u.TopConcepts is null || u.BestPerCategory is null || u.TopImages is null || u.Histogram?.Counts is null)
                throw new ArgumentException($"{where}: concept lists, top images and histogram must not be null");
            if (u.Unit < 0) throw new ArgumentException($"{where}: unit numbers start at 0");

            Set(_unit, "$unit", u.Unit);
            Set(_unit, "$threshold", (double)u.Threshold);
            Set(_unit, "$lc", u.Label?.Concept);
            if (u.Label is { Name: null } or { Category: null })
                throw new ArgumentException($"{where}: its label has no name or category");
            Set(_unit, "$ln", u.Label?.Name);
            Set(_unit, "$lcat", u.Label?.Category);
            Set(_unit, "$liou", u.Label?.Iou);
            Set(_unit, "$hmin", (double)u.Histogram.Min);
            Set(_unit, "$hmax", (double)u.Histogram.Max);
            Set(_unit, "$hcounts", Blobs.FromLongs(u.Histogram.Counts));
            var unitId = (long)_unit.ExecuteScalar()!;

            if (u.Reliability is { } q)
            {
                if (!double.IsFinite(q.IouA) || !double.IsFinite(q.IouB) || !double.IsFinite(q.ChanceIou) || !double.IsFinite(q.Lift))
                    throw new ArgumentException($"{where}: its reliability has a value that is not a number");
                Set(_reliability, "$unit", unitId);
                Set(_reliability, "$aIou", q.IouA);
                Set(_reliability, "$bIou", q.IouB);
                Set(_reliability, "$aBest", q.BestA);
                Set(_reliability, "$bBest", q.BestB);
                Set(_reliability, "$stable", q.Stable ? 1 : 0);
                Set(_reliability, "$chance", q.ChanceIou);
                Set(_reliability, "$lift", q.Lift);
                _reliability.ExecuteNonQuery();
            }

            WriteConcepts(where, unitId, 0, u.TopConcepts);
            WriteConcepts(where, unitId, 1, u.BestPerCategory);

            Set(_image, "$unit", unitId);
            for (var rank = 0; rank < u.TopImages.Count; rank++)
            {
                var t = u.TopImages[rank] ?? throw new ArgumentException($"{where}: top image {rank} is null");
                if (t.Map is null || t.MapHeight < 0 || t.MapWidth < 0 || t.Map.Length != (long)t.MapHeight * t.MapWidth)
                    throw new ArgumentException(
                        $"{where}: top image {rank} has a map of {t.Map?.Length ?? 0} values, expected {t.MapHeight}x{t.MapWidth}");
                Set(_image, "$rank", rank);
                Set(_image, "$image", t.ImageIndex);
                Set(_image, "$path", t.Path ?? throw new ArgumentException($"{where}: top image {rank} has no path"));
                Set(_image, "$activation", (double)t.Activation);
                Set(_image, "$h", t.MapHeight);
                Set(_image, "$w", t.MapWidth);
                Set(_image, "$map", Blobs.FromFloats(t.Map));
                _image.ExecuteNonQuery();
            }
        }

        private void WriteConcepts(string where, long unitId, int kind, IReadOnlyList<ConceptScore> concepts)
        {
            Set(_concept, "$unit", unitId);
            Set(_concept, "$kind", kind);
            for (var rank = 0; rank < concepts.Count; rank++)
            {
                var k = concepts[rank];
                if (k?.Name is null || k.Category is null)
                    throw new ArgumentException($"{where}: concept {rank} has no name or category");
                Set(_concept, "$rank", rank);
                Set(_concept, "$concept", k.Concept);
                Set(_concept, "$name", k.Name);
                Set(_concept, "$category", k.Category);
                Set(_concept, "$iou", k.Iou);
                _concept.ExecuteNonQuery();
            }
        }

        private static void Set(SqliteCommand cmd, string name, object? value) => cmd.Parameters[name].Value = value ?? DBNull.Value;

        public void Dispose()
        {
            _unit.Dispose();
            _concept.Dispose();
            _image.Dispose();
            _reliability.Dispose();
        }
    }
}
