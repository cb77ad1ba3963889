// Saving and reading adversarial attack experiments: one row per experiment plus one row per unit group, written in
// one transaction. Several experiments per (run, layer, target) are kept side by side (different budgets), newest last.
using System.Text.Json;
using Dissection.Core.Attacks;
using Microsoft.Data.Sqlite;
using Dissection.Core.Statistics;
using static Dissection.Core.Storage.ResultsStore;
using static Dissection.Core.Storage.RunStore;

namespace Dissection.Core.Storage;

public sealed class AttackStore : FeatureStore
{
    internal AttackStore(ResultsStore store) : base(store) { }

    /// <summary>Stores an experiment for a run and returns its id. The run must exist; the layer need not be
    /// dissected (attacks read ablation rankings, not dissection results). NaN statistics are stored as NULL.</summary>
    /// <exception cref="ArgumentException">unknown run, or a result that is not self-consistent.</exception>
    public long SaveAttackExperiment(long runId, AttackExperimentResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentException.ThrowIfNullOrWhiteSpace(result.Layer);
        ArgumentNullException.ThrowIfNull(result.Attack);
        if (result.Succeeded < 0 || result.Succeeded > result.Attempted)
            throw new ArgumentException($"attack experiment: {result.Succeeded} successes out of {result.Attempted} attempts");
        var groups = result.Groups.Select(g => g.Group).ToList();
        if (!groups.Order(StringComparer.Ordinal).SequenceEqual(GroupStatistics.Names.Order(StringComparer.Ordinal)))
            throw new ArgumentException($"attack experiment groups must be {string.Join(", ", GroupStatistics.Names)}; got {string.Join(", ", groups)}");

        using var c = Connect();
        using var tx = c.BeginTransaction();
        RequireRun(c, tx, runId);
        var a = result.Attack;
        long id;
        using (var cmd = Command(c, tx, """
            INSERT INTO attack_experiments (run_id, layer, target, target_name, norm, epsilon, step_size, steps, random_start,
                early_stop, seed, requested, attempted, succeeded, mean_steps, mean_target_probability, mean_linf, mean_l2,
                target_units, note, created_utc)
            VALUES ($run, $layer, $target, $targetName, $norm, $eps, $stepSize, $steps, $randomStart, $earlyStop, $seed,
                $requested, $attempted, $succeeded, $meanSteps, $meanTarget, $meanLinf, $meanL2, $units, $note, $created)
            RETURNING id
            """,
            ("$run", runId), ("$layer", result.Layer), ("$target", result.Target), ("$targetName", result.TargetName),
            ("$norm", AttackSettings.NormName(a.Norm)), ("$eps", a.Epsilon), ("$stepSize", a.EffectiveStepSize),
            ("$steps", a.Steps), ("$randomStart", a.RandomStart), ("$earlyStop", a.EarlyStop), ("$seed", a.Seed),
            ("$requested", result.Requested), ("$attempted", result.Attempted), ("$succeeded", result.Succeeded),
            ("$meanSteps", Finite(result.MeanSteps)), ("$meanTarget", Finite(result.MeanTargetProbability)),
            ("$meanLinf", Finite(result.MeanLinf)), ("$meanL2", Finite(result.MeanL2)),
            ("$units", JsonSerializer.Serialize(result.TargetUnits, Json)), ("$note", result.Note ?? ""),
            ("$created", Utc(DateTime.UtcNow))))
        {
            try { id = (long)cmd.ExecuteScalar()!; }
            catch (SqliteException e) when (e.SqliteErrorCode == 19)  // SQLITE_CONSTRAINT
            {
                throw new ArgumentException($"cannot save the attack experiment on layer {result.Layer} of run {runId}: {e.Message}", e);
            }
        }
        foreach (var g in result.Groups)
            Execute(c, tx, """
                INSERT INTO attack_groups (experiment_id, grp, count, abs_mean, abs_low, abs_high, abs_se,
                    delta_mean, delta_low, delta_high, delta_se)
                VALUES ($id, $grp, $count, $am, $al, $ah, $ase, $dm, $dl, $dh, $dse)
                """,
                ("$id", id), ("$grp", g.Group), ("$count", g.AbsDelta.Count),
                ("$am", Finite(g.AbsDelta.Mean)), ("$al", Finite(g.AbsDelta.Low)), ("$ah", Finite(g.AbsDelta.High)),
                ("$ase", Finite(g.AbsDelta.StandardError)),
                ("$dm", Finite(g.Delta.Mean)), ("$dl", Finite(g.Delta.Low)), ("$dh", Finite(g.Delta.High)),
                ("$dse", Finite(g.Delta.StandardError)));
        tx.Commit();
        return id;
    }

    /// <summary>A run's attack experiments (one layer's when given), oldest first.</summary>
    public IReadOnlyList<StoredAttackExperiment> GetAttackExperiments(long runId, string? layer = null)
    {
        using var c = Connect();
        using var tx = c.BeginTransaction(deferred: true);
        var rows = new List<(long Id, DateTime Created, AttackExperimentResult Partial)>();
        using (var cmd = Command(c, tx, """
            SELECT id, layer, target, target_name, norm, epsilon, step_size, steps, random_start, early_stop, seed,
                   requested, attempted, succeeded, mean_steps, mean_target_probability, mean_linf, mean_l2, target_units,
                   note, created_utc
            FROM attack_experiments WHERE run_id = $run AND ($layer IS NULL OR layer = $layer) ORDER BY id
            """, ("$run", runId), ("$layer", layer)))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
            {
                var settings = new AttackSettings(r.GetDouble(5), r.GetInt32(7), r.GetDouble(6),
                    AttackSettings.ParseNorm(r.GetString(4)), r.GetInt64(8) != 0, r.GetInt64(10), r.GetInt64(9) != 0);
                rows.Add((r.GetInt64(0), ParseUtc(r.GetString(20)), new AttackExperimentResult(
                    r.GetString(1), r.GetInt32(2), r.GetString(3), settings, r.GetInt32(11), r.GetInt32(12), r.GetInt32(13),
                    Nullable(r, 14), Nullable(r, 15), Nullable(r, 16), Nullable(r, 17),
                    JsonSerializer.Deserialize<int[]>(r.GetString(18), Json) ?? [], [], r.GetString(19))));
            }

        var result = new List<StoredAttackExperiment>(rows.Count);
        foreach (var (id, created, partial) in rows)
        {
            var groups = new List<GroupStatistics>();
            using var cmd = Command(c, tx, """
                SELECT grp, count, abs_mean, abs_low, abs_high, abs_se, delta_mean, delta_low, delta_high, delta_se
                FROM attack_groups WHERE experiment_id = $id
                """, ("$id", id));
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var n = r.GetInt32(1);
                groups.Add(new GroupStatistics(r.GetString(0),
                    new MeanInterval(Nullable(r, 2), Nullable(r, 3), Nullable(r, 4), Nullable(r, 5), n),
                    new MeanInterval(Nullable(r, 6), Nullable(r, 7), Nullable(r, 8), Nullable(r, 9), n)));
            }
            // Always in the published order, whatever order SQLite returns.
            groups.Sort((x, y) => IndexOfGroup(x.Group).CompareTo(IndexOfGroup(y.Group)));
            result.Add(new StoredAttackExperiment(id, runId, created, partial with { Groups = groups }));
        }
        tx.Commit();
        return result;
    }

    /// <summary>Each class's <paramref name="top"/> most important units of a layer (most damaging first) from the
    /// run's stored ablation, or null when the layer was not ablated. A class without images has no entry.</summary>
    public ImportantUnits? GetImportantUnits(long runId, string layer, int top = ImportantUnits.DefaultCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        using var c = Connect();
        using var tx = c.BeginTransaction(deferred: true);
        using var find = Command(c, tx, "SELECT id FROM ablations WHERE run_id = $run AND layer = $layer", ("$run", runId), ("$layer", layer));
        if (find.ExecuteScalar() is not long ablation) return null;
        var byClass = new Dictionary<int, List<int>>();
        using (var cmd = Command(c, tx, """
            SELECT class, unit FROM ablation_important WHERE ablation_id = $id AND rank < $top ORDER BY class, rank
            """, ("$id", ablation), ("$top", top)))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
            {
                var cls = r.GetInt32(0);
                if (!byClass.TryGetValue(cls, out var units)) byClass[cls] = units = [];
                units.Add(r.GetInt32(1));
            }
        tx.Commit();
        return new ImportantUnits(layer, byClass.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray()), $"the ablation of run {runId}");
    }

    /// <summary>Deletes one experiment (its groups go with it). False when there was none.</summary>
    public bool DeleteAttackExperiment(long id)
    {
        using var c = Connect();
        return Execute(c, null, "DELETE FROM attack_experiments WHERE id = $id", ("$id", id)) > 0;
    }

    private static int IndexOfGroup(string name) => GroupStatistics.Names.ToList().IndexOf(name);


}
