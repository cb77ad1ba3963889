// The SQLite results store: the single source of truth for the dashboard, the CLI export and the REST API.
// One database file in WAL mode. Every operation opens its own (pooled) connection, so one store instance is safe
// to share between a background writer and many readers; each write is one transaction, each multi-query read one
// snapshot. This file is the shared core: opening, migrating and connecting. What is kept is reached per feature
// (store.Runs, store.Layers, store.Ablations, store.Attacks, store.Gan, store.Links, store.Uploads, and store.Jobs from
// Jobs/),
// each a small class in its own file over this one connection core.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dissection.Core.Dissection;
using Microsoft.Data.Sqlite;
using Dissection.Core.Tallies;

namespace Dissection.Core.Storage;

public sealed partial class ResultsStore : IDisposable
{
    /// <summary>Where the CLI and the dashboard keep results unless told otherwise.</summary>
    public const string DefaultPath = "data/results.db";

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
        Runs = new RunStore(this);
        Layers = new LayerStore(this);
        Ablations = new AblationStore(this);
        Attacks = new AttackStore(this);
        Gan = new GanStore(this);
        Links = new LinkStore(this);
        Uploads = new UploadStore(this);
    }

    /// <summary>Runs: their settings, status, progress and phase timings.</summary>
    public RunStore Runs { get; }

    /// <summary>Dissected layers and units, and the light summaries pages list.</summary>
    public LayerStore Layers { get; }

    /// <summary>Single-unit ablation results.</summary>
    public AblationStore Ablations { get; }

    /// <summary>Attack experiments.</summary>
    public AttackStore Attacks { get; }

    /// <summary>Generator runs, concept IoUs of every unit, and the two causal GAN experiments.</summary>
    public GanStore Gan { get; }

    /// <summary>Short links to long view URLs.</summary>
    public LinkStore Links { get; }

    /// <summary>Saved uploads per owner: the upload quota and its page.</summary>
    public UploadStore Uploads { get; }

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

    internal static string Utc(DateTime t) => t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    internal static DateTime ParseUtc(string s) =>
        DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    /// <summary>A number as SQLite keeps it: NULL for NaN and the infinities.</summary>
    internal static object? Finite(double v) => double.IsFinite(v) ? v : null;

    /// <summary>A nullable REAL column read back: NaN for NULL.</summary>
    internal static double Nullable(SqliteDataReader r, int i) => r.IsDBNull(i) ? double.NaN : r.GetDouble(i);

    /// <summary>Closes the pooled connections so the file can be moved or deleted.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        using var c = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(c);
    }
}
