// The SQLite results store: the single source of truth for the dashboard, the CLI export and the REST API.
// One database file in WAL mode. Every operation opens its own (pooled) connection, so one store instance is safe
// to share between a background writer and many readers; each write is one transaction, each multi-query read one
// snapshot. This file: opening and migrating, and the run lifecycle. Layers and queries are in the partial files.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dissection.Core.Dissection;
using Microsoft.Data.Sqlite;

namespace Dissection.Core.Storage;

public sealed partial class ResultsStore : IDisposable
{
    /// <summary>Where the CLI and the dashboard keep results unless told otherwise.</summary>
    public const string DefaultPath = "data/results.db";

    /// <summary>The message MarkInterruptedRuns gives the runs it fails.</summary>
    public const string InterruptedMessage = "interrupted (the process stopped)";

    private const int BusyTimeoutMs = 15_000;

    private readonly string _connectionString;
    private volatile bool _disposed;

    /// <summary>The database file, as a full path.</summary>
    public string FilePath { get; }

    private readonly IReadOnlyList<string> _migrations;

    private ResultsStore(string filePath, string connectionString, IReadOnlyList<string> migrations)
    {
        _migrations = migrations;
        FilePath = filePath;
        _connectionString = connectionString;
    }

    /// <summary>
    /// Opens (creating and migrating as needed) a results database file; a missing folder is created.
    /// Throws InvalidDataException naming the file when it is not a SQLite database, is corrupt, or has a schema
    /// newer than this program knows.
    /// </summary>
    public static ResultsStore Open(string path) => Open(path, Migrations.All);

    /// <summary>Open with a given migration list: tests use it to check how later migrations will be applied.</summary>
    internal static ResultsStore Open(string path, IReadOnlyList<string> migrations)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new ArgumentException($"{full} is a folder, not a results database file");
        if (Path.GetDirectoryName(full) is { Length: > 0 } folder) Directory.CreateDirectory(folder);

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = BusyTimeoutMs / 1000,
        }.ToString();
        var store = new ResultsStore(full, connectionString, migrations);
        try
        {
            store.Migrate();
            return store;
        }
        catch (SqliteException e)
        {
            store.Dispose();
            throw new InvalidDataException($"{full} is not a usable results database ({e.Message})", e);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    private void Migrate()
    {
        using var c = Connect();
        // WAL lets dashboard readers keep reading while a run writes; the mode is stored in the file.
        // This is also the first statement to read the file, so a non-database fails here.
        Execute(c, null, "PRAGMA journal_mode = WAL");
        var version = UserVersion(c, null);
        CheckNotNewer(version);
        if (version == _migrations.Count) return;

        using var tx = c.BeginTransaction();  // BEGIN IMMEDIATE: two processes opening at once migrate once
        version = UserVersion(c, tx);
        CheckNotNewer(version);
        if (version == _migrations.Count) return;  // another process migrated meanwhile
        for (var i = (int)version; i < _migrations.Count; i++) Execute(c, tx, _migrations[i]);
        Execute(c, tx, $"PRAGMA user_version = {_migrations.Count}");
        tx.Commit();
    }

    private static long UserVersion(SqliteConnection c, SqliteTransaction? tx)
    {
        using var cmd = Command(c, tx, "PRAGMA user_version");
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private void CheckNotNewer(long version)
    {
        if (version > _migrations.Count)
            throw new InvalidDataException(
                $"{FilePath} has results schema version {version}, newer than this program knows ({_migrations.Count}); " +
                "use a newer build of the program or another database file");
        if (version < 0) throw new InvalidDataException($"{FilePath} has an invalid schema version {version}");
    }

    // ---- runs ----

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
        var terminal = status is RunStatus.Done or RunStatus.Failed or RunStatus.Cancelled;
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
    /// Fails every run left Running without a queued or running job (a program from before jobs, or bookkeeping
    /// that never reached the store) with InterruptedMessage. Runs with a job follow their job: JobExecutor.Recover
    /// tells a live job's process from a dead one. Queued runs stay queued.
    /// Returns how many runs it failed.
    /// </summary>
    public int MarkInterruptedRuns()
    {
        using var c = Connect();
        using var cmd = Command(c, null, """
            UPDATE runs SET status = 'Failed', message = $message, finished_utc = $now, phase_started_utc = NULL
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

    /// <summary>Deletes a run with all its layers, units and top images. Returns false when there was no such run.</summary>
    public bool DeleteRun(long runId)
    {
        using var c = Connect();
        using var cmd = Command(c, null, "DELETE FROM runs WHERE id = $id", ("$id", runId));
        return cmd.ExecuteNonQuery() > 0;
    }

    private const string RunColumns = """
        id, name, model, dataset, layers, settings, status, message, images, created_utc, started_utc, finished_utc,
        progress, phase, images_per_second, timings
        """;

    private static RunInfo? GetRun(SqliteConnection c, SqliteTransaction? tx, long runId)
    {
        using var cmd = Command(c, tx, $"SELECT {RunColumns} FROM runs WHERE id = $id", ("$id", runId));
        using var r = cmd.ExecuteReader();
        return r.Read() ? ReadRun(r) : null;
    }

    private static RunInfo RequireRun(SqliteConnection c, SqliteTransaction? tx, long runId) =>
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
    };

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

    // ---- plumbing ----

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>A fresh pooled connection with foreign keys on and a busy timeout, so writers wait rather than fail.</summary>
    internal SqliteConnection Connect()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var c = new SqliteConnection(_connectionString);
        try
        {
            c.Open();
            // NORMAL is the WAL-mode recommendation: commits stay atomic and the file never corrupts; only the
            // last commits before a power cut may be lost, and a commit no longer waits for an fsync.
            Execute(c, null, $"PRAGMA busy_timeout = {BusyTimeoutMs}; PRAGMA synchronous = NORMAL");
            return c;
        }
        catch
        {
            c.Dispose();
            throw;
        }
    }

    internal static SqliteCommand Command(SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }

    internal static int Execute(SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = Command(c, tx, sql, parameters);
        return cmd.ExecuteNonQuery();
    }

    private static string Utc(DateTime t) => t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTime ParseUtc(string s) =>
        DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    /// <summary>Closes the pooled connections so the file can be moved or deleted.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        using var c = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(c);
    }
}
