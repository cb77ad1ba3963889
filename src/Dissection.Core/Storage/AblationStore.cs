// Saving and reading ablation results next to a run's dissection results. One ablation per (run, layer); the layer
// need not have been dissected. Saves are one transaction (replace or nothing); reads are one snapshot.
using System.Globalization;
using System.Text.Json;
using Dissection.Core.Ablation;
using Microsoft.Data.Sqlite;
using static Dissection.Core.Storage.ResultsStore;
using static Dissection.Core.Storage.RunStore;
using static Dissection.Core.Storage.LayerStore;

namespace Dissection.Core.Storage;

/// <summary>An ablated layer as a list shows it.</summary>
public sealed record AblationSummary(string Layer, bool Labelled, string Split, int Images, string Method, int Classes,
    int Units, DateTime CreatedUtc);

/// <summary>How much each class depends on one unit: per class, baseline and ablated balanced accuracy.</summary>
public sealed record UnitClassDependence(string Layer, int Unit, bool Labelled, IReadOnlyList<string> Classes,
    double[] Baseline, double[] Ablated)
{
    /// <summary>Per class: baseline minus ablated balanced accuracy (positive = the class needs the unit).</summary>
    public double[] Drops => Baseline.Zip(Ablated, (b, a) => b - a).ToArray();
}

public sealed class AblationStore : FeatureStore
{
    internal AblationStore(ResultsStore store) : base(store) { }

    /// <summary>
    /// Writes an ablation result in one transaction, replacing any earlier ablation of the same layer of the run.
    /// Bad input (unknown run, per-class arrays of the wrong length, duplicate units) throws ArgumentException and
    /// leaves the database as it was.
    /// </summary>
    public void SaveAblation(long runId, AblationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentException.ThrowIfNullOrWhiteSpace(result.Layer);
        var classes = result.Classes.Count;
        void CheckLength(ClassMetrics m, string what)
        {
            if (m.Accuracy.Length != classes || m.BalancedAccuracy.Length != classes)
                throw new ArgumentException($"ablation of {result.Layer}: {what} has {m.Accuracy.Length}/{m.BalancedAccuracy.Length} " +
                                            $"per-class values for {classes} classes");
        }
        CheckLength(result.Baseline, "the baseline");
        foreach (var u in result.Units) CheckLength(u.Metrics, $"unit {u.Unit}");
        foreach (var i in result.Importance)
            if (i.Class < 0 || i.Class >= classes) throw new ArgumentException($"ablation of {result.Layer}: class {i.Class} out of range");

        using var c = Connect();
        using var tx = c.BeginTransaction();
        RequireRun(c, tx, runId);
        Execute(c, tx, "DELETE FROM ablations WHERE run_id = $run AND layer = $layer", ("$run", runId), ("$layer", result.Layer));
        long id;
        using (var cmd = Command(c, tx, """
            INSERT INTO ablations (run_id, layer, labelled, split, images, method, note, classes, baseline_accuracy,
                                   baseline_balanced, baseline_overall, baseline_confidence, baseline_probability, created_utc)
            VALUES ($run, $layer, $labelled, $split, $images, $method, $note, $classes, $acc, $ba, $overall, $conf, $prob, $created)
            RETURNING id
            """, ("$run", runId), ("$layer", result.Layer), ("$labelled", result.Labelled ? 1 : 0), ("$split", result.Split),
            ("$images", result.Images), ("$method", result.Method), ("$note", result.Note),
            ("$classes", JsonSerializer.Serialize(result.Classes, Json)),
            ("$acc", Blobs.FromDoubles(result.Baseline.Accuracy)), ("$ba", Blobs.FromDoubles(result.Baseline.BalancedAccuracy)),
            ("$overall", Finite(result.Baseline.OverallAccuracy)), ("$conf", Finite(result.Baseline.MeanConfidence)),
            ("$prob", Probability(result.Baseline)),
            ("$created", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture))))
            id = (long)cmd.ExecuteScalar()!;

        try
        {
            using (var cmd = Command(c, tx, """
                INSERT INTO ablation_units (ablation_id, unit, accuracy, balanced, overall, confidence, mean_drop, probability)
                VALUES ($id, $unit, $acc, $ba, $overall, $conf, $drop, $prob)
                """))
            {
                var p = Parameters(cmd, "$id", "$unit", "$acc", "$ba", "$overall", "$conf", "$drop", "$prob");
                p[0].Value = id;
                foreach (var u in result.Units)
                {
                    p[1].Value = u.Unit;
                    p[2].Value = Blobs.FromDoubles(u.Metrics.Accuracy);
                    p[3].Value = Blobs.FromDoubles(u.Metrics.BalancedAccuracy);
                    p[4].Value = Finite(u.Metrics.OverallAccuracy) ?? DBNull.Value;
                    p[5].Value = Finite(u.Metrics.MeanConfidence) ?? DBNull.Value;
                    p[6].Value = Finite(AblationResult.MeanDrop(result.Baseline, u.Metrics)) ?? DBNull.Value;
                    p[7].Value = Probability(u.Metrics) ?? DBNull.Value;
                    cmd.ExecuteNonQuery();
                }
            }
            using (var cmd = Command(c, tx, """
                INSERT INTO ablation_important (ablation_id, class, rank, unit, drop_ba, drop_probability)
                VALUES ($id, $class, $rank, $unit, $drop, $pdrop)
                """))
            {
                var p = Parameters(cmd, "$id", "$class", "$rank", "$unit", "$drop", "$pdrop");
                p[0].Value = id;
                foreach (var i in result.Importance)
                    for (var rank = 0; rank < i.ImportantUnits.Count; rank++)
                    {
                        p[1].Value = i.Class;
                        p[2].Value = rank;
                        p[3].Value = i.ImportantUnits[rank].Unit;
                        p[4].Value = Finite(i.ImportantUnits[rank].Drop) ?? throw new ArgumentException(
                            $"ablation of {result.Layer}: class {i.Class} unit {i.ImportantUnits[rank].Unit} has an undefined drop");
                        p[5].Value = Finite(i.ImportantUnits[rank].ProbabilityDrop) ?? DBNull.Value;
                        cmd.ExecuteNonQuery();
                    }
            }
            using (var cmd = Command(c, tx, """
                INSERT INTO ablation_curves (ablation_id, class, n, remove_top, keep_top) VALUES ($id, $class, $n, $remove, $keep)
                """))
            {
                var p = Parameters(cmd, "$id", "$class", "$n", "$remove", "$keep");
                p[0].Value = id;
                foreach (var curve in result.Curves)
                    foreach (var point in curve.Points)
                    {
                        p[1].Value = curve.Class;
                        p[2].Value = point.N;
                        p[3].Value = Finite(point.RemoveTop) ?? DBNull.Value;
                        p[4].Value = Finite(point.KeepTop) ?? DBNull.Value;
                        cmd.ExecuteNonQuery();
                    }
            }
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)  // SQLITE_CONSTRAINT: duplicate unit, class or n
        {
            throw new ArgumentException($"cannot save the ablation of {result.Layer} for run {runId}: {e.Message}", e);
        }
        tx.Commit();
    }

    /// <summary>The run's ablated layers, in the run's layer order (layers it did not dissect last).</summary>
    public IReadOnlyList<AblationSummary> ListAblations(long runId)
    {
        using var c = Connect();
        using var tx = c.BeginTransaction(deferred: true);
        var order = LayerOrder(c, tx, runId);
        var list = new List<AblationSummary>();
        using (var cmd = Command(c, tx, """
                   SELECT a.layer, a.labelled, a.split, a.images, a.method, a.classes, a.created_utc,
                          (SELECT COUNT(*) FROM ablation_units u WHERE u.ablation_id = a.id)
                   FROM ablations a WHERE a.run_id = $run
                   """, ("$run", runId)))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
                list.Add(new AblationSummary(r.GetString(0), r.GetInt64(1) == 1, r.GetString(2), r.GetInt32(3), r.GetString(4),
                    (JsonSerializer.Deserialize<string[]>(r.GetString(5), Json) ?? []).Length, r.GetInt32(7),
                    DateTime.Parse(r.GetString(6), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)));
        return list.OrderBy(a => order(a.Layer)).ThenBy(a => a.Layer, StringComparer.Ordinal).ToList();
    }

    /// <summary>The complete ablation result of one layer of a run; null when that layer was not ablated.</summary>
    public AblationResult? GetAblation(long runId, string layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        using var c = Connect();
        using var tx = c.BeginTransaction(deferred: true);
        if (ReadAblationHeader(c, tx, runId, layer) is not { } h) return null;

        var units = new List<UnitAblation>();
        using (var cmd = Command(c, tx, "SELECT unit, accuracy, balanced, overall, confidence, probability FROM ablation_units WHERE ablation_id = $id ORDER BY unit",
                   ("$id", h.Id)))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
                units.Add(new UnitAblation(r.GetInt32(0), new ClassMetrics(Blobs.ToDoubles(r.GetFieldValue<byte[]>(1)),
                    Blobs.ToDoubles(r.GetFieldValue<byte[]>(2)), Nullable(r, 3), Nullable(r, 4)) { ClassProbability = Doubles(r, 5) }));

        var important = new Dictionary<long, List<UnitDrop>>();
        using (var cmd = Command(c, tx, "SELECT class, unit, drop_ba, drop_probability FROM ablation_important WHERE ablation_id = $id ORDER BY class, rank",
                   ("$id", h.Id)))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
                Bucket(important, r.GetInt32(0)).Add(new UnitDrop(r.GetInt32(1), r.GetDouble(2), r.IsDBNull(3) ? 0 : r.GetDouble(3)));

        var curves = new Dictionary<long, List<GroupPoint>>();
        using (var cmd = Command(c, tx, "SELECT class, n, remove_top, keep_top FROM ablation_curves WHERE ablation_id = $id ORDER BY class, n",
                   ("$id", h.Id)))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
                Bucket(curves, r.GetInt32(0)).Add(new GroupPoint(r.GetInt32(1), Nullable(r, 2), Nullable(r, 3)));

        var importance = h.Classes.Select((name, cls) => new ClassImportance(cls, name, h.Baseline.BalancedAccuracy[cls],
            important.TryGetValue(cls, out var list) ? list : [])).ToList();
        return new AblationResult(layer, h.Labelled, h.Split, h.Images, h.Method, h.Note, h.Classes, h.Baseline, units, importance,
            curves.OrderBy(kv => kv.Key).Select(kv => new GroupCurve((int)kv.Key, kv.Value)).ToList());
    }

    /// <summary>How much each class depends on one ablated unit; null when the layer or the unit was not ablated.</summary>
    public UnitClassDependence? GetUnitClassDependence(long runId, string layer, int unit)
    {
        ArgumentNullException.ThrowIfNull(layer);
        using var c = Connect();
        using var tx = c.BeginTransaction(deferred: true);
        if (ReadAblationHeader(c, tx, runId, layer) is not { } h) return null;
        using var cmd = Command(c, tx, "SELECT balanced FROM ablation_units WHERE ablation_id = $id AND unit = $unit",
            ("$id", h.Id), ("$unit", unit));
        return cmd.ExecuteScalar() is byte[] blob
            ? new UnitClassDependence(layer, unit, h.Labelled, h.Classes, h.Baseline.BalancedAccuracy, Blobs.ToDoubles(blob))
            : null;
    }

    /// <summary>Per ablated unit of a layer: its mean balanced-accuracy drop over classes (for exports and charts).</summary>
    public IReadOnlyList<(int Unit, double MeanDrop)> GetUnitMeanDrops(long runId, string layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        using var c = Connect();
        using var cmd = Command(c, null, """
            SELECT u.unit, u.mean_drop FROM ablations a JOIN ablation_units u ON u.ablation_id = a.id
            WHERE a.run_id = $run AND a.layer = $layer ORDER BY u.unit
            """, ("$run", runId), ("$layer", layer));
        using var r = cmd.ExecuteReader();
        var list = new List<(int, double)>();
        while (r.Read()) list.Add((r.GetInt32(0), Nullable(r, 1)));
        return list;
    }

    private sealed record AblationHeader(long Id, bool Labelled, string Split, int Images, string Method, string Note,
        IReadOnlyList<string> Classes, ClassMetrics Baseline);

    private static AblationHeader? ReadAblationHeader(SqliteConnection c, SqliteTransaction tx, long runId, string layer)
    {
        using var cmd = Command(c, tx, """
            SELECT id, labelled, split, images, method, note, classes, baseline_accuracy, baseline_balanced,
                   baseline_overall, baseline_confidence, baseline_probability
            FROM ablations WHERE run_id = $run AND layer = $layer
            """, ("$run", runId), ("$layer", layer));
        using var r = cmd.ExecuteReader();
        if (!r.Read()) return null;
        return new AblationHeader(r.GetInt64(0), r.GetInt64(1) == 1, r.GetString(2), r.GetInt32(3), r.GetString(4), r.GetString(5),
            JsonSerializer.Deserialize<string[]>(r.GetString(6), Json) ?? [],
            new ClassMetrics(Blobs.ToDoubles(r.GetFieldValue<byte[]>(7)), Blobs.ToDoubles(r.GetFieldValue<byte[]>(8)), Nullable(r, 9), Nullable(r, 10))
            { ClassProbability = Doubles(r, 11) });
    }

    private static SqliteParameter[] Parameters(SqliteCommand cmd, params string[] names) =>
        names.Select(n => cmd.Parameters.AddWithValue(n, DBNull.Value)).ToArray();

    private static object? Probability(ClassMetrics m) => m.ClassProbability.Length == 0 ? null : Blobs.FromDoubles(m.ClassProbability);

    private static double[] Doubles(SqliteDataReader r, int i) => r.IsDBNull(i) ? [] : Blobs.ToDoubles(r.GetFieldValue<byte[]>(i));

}
