// Runs in the store (the runs table): created queued, moved through their statuses, their live progress and the time
// spent in each phase. A run's layers are in LayerStore; deleting a run deletes them and every other record of it
// (foreign keys cascade; jobs and short links are deleted in the same transaction).
using System.Globalization;
using System.Text.Json;
using Dissection.Core.Dissection;
using Dissection.Core.Tallies;
using Microsoft.Data.Sqlite;
using static Dissection.Core.Storage.ResultsStore;

namespace Dissection.Core.Storage;

public sealed class RunStore : FeatureStore
{
    internal RunStore(ResultsStore store) : base(store) { }

    /// <summary>The message MarkInterruptedRuns gives the runs it marks Interrupted.</summary>
    public const string InterruptedMessage = "interrupted (the process stopped)";

    /// <summary>Records a new run as Queued and returns its id.</summary>
    public long CreateRun(string name, string model, string dataset, IReadOnlyList<string> layers, DissectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataset);
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(settings);
        using var c = Connect();
        using var cmd = Command(c, null, """
            INSERT INTO runs (name, model, dataset, layers, settings, status, created_utc)
            VALUES ($name, $model, $dataset, $layers, $settings, $status, $created)
            RETURNING id
            """,
            ("$name", name), ("$model", model), ("$dataset", dataset),
            ("$layers", JsonSerializer.Serialize(layers, Json)), ("$settings", JsonSerializer.Serialize(settings, Json)),
            ("$status", nameof(RunStatus.Queued)), ("$created", Utc(DateTime.UtcNow)));
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Live progress of a run (0..1). When the phase changes, the time spent in the previous phase is added to the
    /// run's Timings.
    /// </summary>
    public void UpdateProgress(long runId, string phase, double progress, double imagesPerSecond)
    {
        ArgumentNullException.ThrowIfNull(phase);
        using var c = Connect();
        using var tx = c.BeginTransaction();
        var now = DateTime.UtcNow;
        var (timings, phaseStarted) = CloseTimedPhase(c, tx, runId, now, keepIfPhase: phase);
        Execute(c, tx, """
            UPDATE runs SET phase = $phase, progress = $progress, images_per_second = $ips,
                            phase_started_utc = $phaseStarted, timings = $timings
            WHERE id = $id
            """,
            ("$id", runId), ("$phase", phase), ("$progress", double.IsFinite(progress) ? Math.Clamp(progress, 0, 1) : 0),
            ("$ips", double.IsFinite(imagesPerSecond) ? Math.Max(0, imagesPerSecond) : 0),
            ("$phaseStarted", Utc(phaseStarted ?? now)), ("$timings", JsonSerializer.Serialize(timings, Json)));
        tx.Commit();
    }

    /// <summary>
    /// Moves a run to a status. Running stamps the start time (once); Done, Failed and Cancelled stamp the finish
    /// time and close the current phase's timing; Done also sets progress to 1. The message replaces the previous
    /// one (null clears it); images, when given, is the number of images the run used.
    /// </summary>
    public void SetStatus(long runId, RunStatus status, string? message = null, int? images = null)
    {
        if (!Enum.IsDefined(status)) throw new ArgumentOutOfRangeException(nameof(status), status, "unknown run status");
        var terminal = status is RunStatus.Done or RunStatus.Failed or RunStatus.Cancelled or RunStatus.Interrupted;
        using var c = Connect();
        using var tx = c.BeginTransaction();
        var now = DateTime.UtcNow;
        var (timings, phaseStarted) = CloseTimedPhase(c, tx, runId, now, keepIfPhase: terminal ? null : CurrentPhase(c, tx, runId));
        Execute(c, tx, """
            UPDATE runs SET status = $status, message = $message,
                            images = COALESCE($images, images),
                            started_utc = CASE WHEN $status = 'Running' THEN COALESCE(started_utc, $now) ELSE started_utc END,
                            finished_utc = CASE WHEN $terminal THEN $now ELSE NULL END,
                            progress = CASE WHEN $status = 'Done' THEN 1 ELSE progress END,
                            phase_started_utc = $phaseStarted, timings = $timings
            WHERE id = $id
            """,
            ("$id", runId), ("$status", status.ToString()), ("$message", message), ("$images", images),
            ("$now", Utc(now)), ("$terminal", terminal), ("$phaseStarted", phaseStarted is { } p ? Utc(p) : null),
            ("$timings", JsonSerializer.Serialize(timings, Json)));
        tx.Commit();
    }

    /// <summary>
    /// Marks Interrupted every run left Running without a queued or running job (a program from before jobs, or bookkeeping
    /// that never reached the store) with InterruptedMessage. Runs with a job follow their job: JobExecutor.Recover
    /// tells a live job's process from a dead one. Queued runs stay queued.
    /// Returns how many runs it marked.
    /// </summary>
    public int MarkInterruptedRuns()
    {
        using var c = Connect();
        using var cmd = Command(c, null, """
            UPDATE runs SET status = 'Interrupted', message = $message, finished_utc = $now, phase_started_utc = NULL
            WHERE status = 'Running'
              AND NOT EXISTS (SELECT 1 FROM jobs WHERE jobs.run_id = runs.id AND jobs.state IN ('Queued','Running'))
            """, ("$message", InterruptedMessage), ("$now", Utc(DateTime.UtcNow)));
        return cmd.ExecuteNonQuery();
    }

    /// <summary>Every run, newest first.</summary>
    public IReadOnlyList<RunInfo> ListRuns()
    {
        using var c = Connect();
        using var cmd = Command(c, null, $"SELECT {RunColumns} FROM runs ORDER BY created_utc DESC, id DESC");
        using var r = cmd.ExecuteReader();
        var runs = new List<RunInfo>();
        while (r.Read()) runs.Add(ReadRun(r));
        return runs;
    }

    public RunInfo? GetRun(long runId)
    {
        using var c = Connect();
        return GetRun(c, null, runId);
    }

    /// <summary>
    /// Deletes a run and everything kept for it, in one transaction: its layers, units and top images, ablations,
    /// attack experiments, GAN records and experiments, sharing (all by cascade), the jobs that wrote or would write
    /// into it (by their run, or the runId in their parameters), and the short links whose target
    /// <paramref name="linkPointsToRun"/> says shows it. With <paramref name="deletedBy"/> the deletion is remembered
    /// under the run's name (<see cref="WasDeletedByUser"/>). Files are not touched: they belong to whoever calls.
    /// Returns false when there was no such run.
    /// </summary>
    /// <exception cref="RunInUseException">a job of the run is waiting or running; nothing was deleted.</exception>
    public bool DeleteRun(long runId, string? deletedBy = null, Func<string, bool>? linkPointsToRun = null)
    {
        using var c = Connect();
        using var tx = c.BeginTransaction();  // BEGIN IMMEDIATE: no job can be claimed between the check and the delete
        if (GetRun(c, tx, runId) is not { } run) return false;
        const string OfRun = """
            (run_id = $id OR (json_valid(parameters) AND json_type(parameters, '$.runId') = 'integer'
                              AND json_extract(parameters, '$.runId') = $id))
            """;
        using (var busy = Command(c, tx, $"SELECT title FROM jobs WHERE {OfRun} AND state IN ('Queued','Running') ORDER BY id LIMIT 1", ("$id", runId)))
            if (busy.ExecuteScalar() is string title)
                throw new RunInUseException(runId, $"Run #{runId} has a job waiting or running (\"{title}\"): cancel it, then delete the run.");
        Execute(c, tx, $"DELETE FROM jobs WHERE {OfRun}", ("$id", runId));
        if (linkPointsToRun is not null)
        {
            var links = new List<string>();
            using (var read = Command(c, tx, "SELECT id, target FROM short_links"))
            using (var r = read.ExecuteReader())
                while (r.Read()) if (linkPointsToRun(r.GetString(1))) links.Add(r.GetString(0));
            foreach (var id in links) Execute(c, tx, "DELETE FROM short_links WHERE id = $id", ("$id", id));
        }
        Execute(c, tx, "DELETE FROM runs WHERE id = $id", ("$id", runId));
        if (deletedBy is not null)
            Execute(c, tx, "INSERT OR REPLACE INTO deleted_runs (run_id, name, deleted_by, deleted_utc) VALUES ($id, $n, $by, $now)",
                ("$id", runId), ("$n", run.Name), ("$by", deletedBy), ("$now", Utc(DateTime.UtcNow)));
        tx.Commit();
        return true;
    }

    /// <summary>Whether a user deleted a run of this name (the first start leaves such a demo deleted).</summary>
    public bool WasDeletedByUser(string name)
    {
        using var c = Connect();
        using var cmd = Command(c, null, "SELECT EXISTS (SELECT 1 FROM deleted_runs WHERE name = $n)", ("$n", name));
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) != 0;
    }

    private const string RunColumns = """
        id, name, model, dataset, layers, settings, status, message, images, created_utc, started_utc, finished_utc,
        progress, phase, images_per_second, timings
        """;

    internal static RunInfo? GetRun(SqliteConnection c, SqliteTransaction? tx, long runId)
    {
        using var cmd = Command(c, tx, $"SELECT {RunColumns} FROM runs WHERE id = $id", ("$id", runId));
        using var r = cmd.ExecuteReader();
        return r.Read() ? ReadRun(r) : null;
    }

    internal static RunInfo RequireRun(SqliteConnection c, SqliteTransaction? tx, long runId) =>
        GetRun(c, tx, runId) ?? throw new ArgumentException($"run {runId} does not exist");

    private static RunInfo ReadRun(SqliteDataReader r) => new(
        Id: r.GetInt64(0),
        Name: r.GetString(1),
        Model: r.GetString(2),
        Dataset: r.GetString(3),
        Layers: JsonSerializer.Deserialize<string[]>(r.GetString(4), Json) ?? [],
        Settings: JsonSerializer.Deserialize<DissectionSettings>(r.GetString(5), Json) ?? new DissectionSettings(),
        Status: Enum.Parse<RunStatus>(r.GetString(6)),
        Message: r.IsDBNull(7) ? null : r.GetString(7),
        Images: r.GetInt32(8),
        CreatedUtc: ParseUtc(r.GetString(9)),
        StartedUtc: r.IsDBNull(10) ? null : ParseUtc(r.GetString(10)),
        FinishedUtc: r.IsDBNull(11) ? null : ParseUtc(r.GetString(11)),
        Progress: r.GetDouble(12),
        Phase: r.IsDBNull(13) ? null : r.GetString(13),
        ImagesPerSecond: r.GetDouble(14))
    {
        Timings = JsonSerializer.Deserialize<Dictionary<string, double>>(r.GetString(15), Json) ?? [],
        RecordedRules = RecordedRules(r.GetString(5)),
    };

    /// <summary>The "rules" object of a run's stored settings (DissectionSettings.Rules serializes into it).</summary>
    private static MethodRules? RecordedRules(string settings)
    {
        using var doc = JsonDocument.Parse(settings);
        return doc.RootElement.TryGetProperty("rules", out var rules) && rules.ValueKind == JsonValueKind.Object
            ? rules.Deserialize<MethodRules>(Json) : null;
    }

    private static string? CurrentPhase(SqliteConnection c, SqliteTransaction tx, long runId)
    {
        using var cmd = Command(c, tx, "SELECT phase FROM runs WHERE id = $id", ("$id", runId));
        return cmd.ExecuteScalar() as string;
    }

    /// <summary>
    /// Adds the time since the current phase began to its timing, unless the phase stays <paramref name="keepIfPhase"/>.
    /// Returns the timings and when the (possibly continuing) phase began. Throws when the run does not exist.
    /// </summary>
    private static (Dictionary<string, double> Timings, DateTime? PhaseStarted) CloseTimedPhase(
        SqliteConnection c, SqliteTransaction tx, long runId, DateTime now, string? keepIfPhase)
    {
        using var cmd = Command(c, tx, "SELECT phase, phase_started_utc, timings FROM runs WHERE id = $id", ("$id", runId));
        using var r = cmd.ExecuteReader();
        if (!r.Read()) throw new ArgumentException($"run {runId} does not exist");
        var phase = r.IsDBNull(0) ? null : r.GetString(0);
        DateTime? started = r.IsDBNull(1) ? null : ParseUtc(r.GetString(1));
        var timings = JsonSerializer.Deserialize<Dictionary<string, double>>(r.GetString(2), Json) ?? [];
        if (phase is not null && phase == keepIfPhase) return (timings, started);
        if (phase is not null && started is { } s)
            timings[phase] = timings.GetValueOrDefault(phase) + Math.Max(0, (now - s).TotalSeconds);
        return (timings, null);
    }
}

/// <summary>A run cannot be deleted while a job of it waits or runs; the message says which and what to do.</summary>
public sealed class RunInUseException(long runId, string message) : InvalidOperationException(message)
{
    public long RunId { get; } = runId;
}
