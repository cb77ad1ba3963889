// Opening a results database: fresh files get the current schema, reopening changes nothing, newer schemas and
// files that are not databases are refused with the file named, and a missing folder is created.
using Dissection.Core.Storage;

namespace Dissection.Core.Tests.Storage;

public sealed class SchemaMigrationTests : IDisposable
{
    private readonly TempDatabase _db = new();
    public void Dispose() => _db.Dispose();

    private const string SchemaSql = "SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name)";

    private string Schema()
    {
        using var c = _db.Raw();
        using var cmd = c.CreateCommand();
        cmd.CommandText = SchemaSql;
        return (string)cmd.ExecuteScalar()!;
    }

    [Fact]
    public void Fresh_database_gets_the_current_version_in_wal_mode()
    {
        using var store = ResultsStore.Open(_db.DbPath);
        Assert.True(Migrations.Current >= 1);
        Assert.Equal(Migrations.Current, _db.Scalar("PRAGMA user_version"));
        using var c = _db.Raw();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", cmd.ExecuteScalar());
        foreach (var table in new[] { "runs", "layers", "units", "unit_concepts", "unit_top_images" })
            Assert.Equal(1, _db.Scalar($"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'"));
    }

    [Fact]
    public void Store_connections_enforce_foreign_keys()
    {
        using var store = ResultsStore.Open(_db.DbPath);
        using var c = store.Connect();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA foreign_keys";
        Assert.Equal(1L, cmd.ExecuteScalar());
        cmd.CommandText = "INSERT INTO layers (run_id, name, shape, images, elapsed_seconds) VALUES (12345, 'x', '[]', 0, 0)";
        Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => cmd.ExecuteNonQuery());
    }

    [Fact]
    public void Reopening_is_idempotent_and_keeps_data()
    {
        long run;
        using (var store = ResultsStore.Open(_db.DbPath))
        {
            run = SampleResults.CreateRun(store, "kept");
            store.Layers.SaveLayer(run, SampleResults.Layer("conv1", 2, 1));
        }
        var schema = Schema();

        using (var again = ResultsStore.Open(_db.DbPath))
        {
            Assert.Equal("kept", again.Runs.GetRun(run)!.Name);
            Assert.Equal(2, again.Layers.GetLayer(run, "conv1")!.Units.Count);
        }
        using (ResultsStore.Open(_db.DbPath)) { }

        Assert.Equal(Migrations.Current, _db.Scalar("PRAGMA user_version"));
        Assert.Equal(schema, Schema());
    }

    [Fact]
    public void Newer_schema_is_refused_clearly()
    {
        using (ResultsStore.Open(_db.DbPath)) { }
        _db.Scalar($"PRAGMA user_version = {Migrations.Current + 3}");

        var e = Assert.Throws<InvalidDataException>(() => ResultsStore.Open(_db.DbPath));
        Assert.Contains(_db.DbPath, e.Message);
        Assert.Contains($"version {Migrations.Current + 3}", e.Message);
        Assert.Contains("newer", e.Message);
        Assert.Equal(Migrations.Current + 3, _db.Scalar("PRAGMA user_version"));  // left as it was
    }

    [Fact]
    public void File_that_is_not_a_database_is_refused_with_its_name()
    {
        File.WriteAllText(_db.DbPath, "image,split,ih,iw\nthis is a csv, not a database\n" + new string('x', 5000));
        var e = Assert.Throws<InvalidDataException>(() => ResultsStore.Open(_db.DbPath));
        Assert.Contains(_db.DbPath, e.Message);
        Assert.Contains("not a usable results database", e.Message);
    }

    [Fact]
    public void Truncated_database_is_refused_with_its_name()
    {
        using (var store = ResultsStore.Open(_db.DbPath)) SampleResults.CreateRun(store);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var f in Directory.GetFiles(_db.Folder, "results.db-*")) File.Delete(f);
        var bytes = File.ReadAllBytes(_db.DbPath);
        Array.Clear(bytes, 16, 84);  // wipe the header after the magic string: page size and friends
        File.WriteAllBytes(_db.DbPath, bytes);

        var e = Assert.Throws<InvalidDataException>(() => ResultsStore.Open(_db.DbPath));
        Assert.Contains(_db.DbPath, e.Message);
    }

    [Fact]
    public void Missing_folder_is_created()
    {
        var path = Path.Combine(_db.Folder, "nested", "deeper", "results.db");
        using var store = ResultsStore.Open(path);
        Assert.True(File.Exists(path));
        Assert.Equal(path, store.FilePath);
        Assert.Empty(store.Runs.ListRuns());
    }

    [Fact]
    public void Folder_instead_of_a_file_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => ResultsStore.Open(_db.Folder));
        Assert.Contains(_db.Folder, e.Message);
    }

    [Fact]
    public void Disposed_store_refuses_work()
    {
        var store = ResultsStore.Open(_db.DbPath);
        store.Dispose();
        Assert.Throws<ObjectDisposedException>(() => store.Runs.ListRuns());
    }

    [Fact]
    public void Later_migrations_apply_only_what_is_missing()
    {
        using (var v1 = ResultsStore.Open(_db.DbPath)) SampleResults.CreateRun(v1, "from v1");
        var next = Migrations.All.Append("CREATE TABLE future_things (run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE, unit INTEGER)").ToList();

        using (var v2 = ResultsStore.Open(_db.DbPath, next)) Assert.Equal("from v1", v2.Runs.ListRuns().Single().Name);
        Assert.Equal(next.Count, _db.Scalar("PRAGMA user_version"));
        Assert.Equal(1, _db.Scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'future_things'"));
        using (ResultsStore.Open(_db.DbPath, next)) { }  // nothing left to apply: a second CREATE TABLE would fail

        // The current code now refuses the file instead of writing to a schema it does not know.
        Assert.Throws<InvalidDataException>(() => ResultsStore.Open(_db.DbPath));
    }

    [Fact]
    public void Migration_8_lets_a_run_be_interrupted_and_keeps_every_child_row()
    {
        // A database at version 7 (before runs could be Interrupted) with a run that has a layer and units.
        long run;
        using (var v7 = ResultsStore.Open(_db.DbPath, Migrations.All.Take(7).ToList()))
        {
            run = SampleResults.CreateRun(v7, "before");
            var layer = SampleResults.Layer("conv1", 3, 1);   // stored as version 7 did: no reliability yet
            v7.Layers.SaveLayer(run, layer with { Units = layer.Units.Select(u => u with { Reliability = null }).ToList() });
            using var c = v7.Connect();
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"UPDATE runs SET status = 'Interrupted' WHERE id = {run}";
            Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => cmd.ExecuteNonQuery());  // the old CHECK
        }

        using var store = ResultsStore.Open(_db.DbPath);
        store.Runs.SetStatus(run, RunStatus.Interrupted, "stopped");
        Assert.Equal((RunStatus.Interrupted, "stopped"), (store.Runs.GetRun(run)!.Status, store.Runs.GetRun(run)!.Message));
        Assert.Equal(3, store.Layers.GetLayer(run, "conv1")!.Units.Count);  // widened in place: nothing cascaded
        using (var check = _db.Raw())
        using (var cmd = check.CreateCommand())
        {
            cmd.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", cmd.ExecuteScalar());
        }
        Assert.Equal(0, _db.Scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'schema_cookie_bump'"));
        // The CHECK still refuses what is not a status.
        using var raw = store.Connect();
        using var bad = raw.CreateCommand();
        bad.CommandText = $"UPDATE runs SET status = 'Exploded' WHERE id = {run}";
        Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => bad.ExecuteNonQuery());
    }

    [Fact]
    public void A_layer_stored_before_reliability_was_measured_reads_as_not_measured_until_dissected_again()
    {
        var before = Migrations.All.TakeWhile(m => !m.Contains("CREATE TABLE unit_reliability")).ToList();
        Assert.True(before.Count < Migrations.Current);
        var layer = SampleResults.Layer("conv1", units: 4, seed: 5);
        long run;
        using (var old = ResultsStore.Open(_db.DbPath, before))
        {
            run = SampleResults.CreateRun(old, layers: "conv1");
            old.Layers.SaveLayer(run, layer with { Units = layer.Units.Select(u => u with { Reliability = null }).ToList() });
        }
        using var store = ResultsStore.Open(_db.DbPath);
        Assert.Equal(Migrations.Current, _db.Scalar("PRAGMA user_version"));
        Assert.All(store.Layers.GetUnitSummaries(run, "conv1"), u => Assert.Null(u.Reliability));
        Assert.Null(store.Layers.GetUnit(run, "conv1", 0)!.Reliability);

        store.Layers.SaveLayer(run, layer);   // dissected again: the layer is replaced, reliability and all
        Assert.NotNull(layer.Units[0].Reliability);
        SampleResults.AssertSameLayer(layer, store.Layers.GetLayer(run, "conv1"));
        Assert.Equal(layer.Units.Select(u => u.Reliability), store.Layers.GetUnitSummaries(run, "conv1").Select(u => u.Reliability));
    }

    [Fact]
    public void Failing_migration_changes_nothing()
    {
        using (var v1 = ResultsStore.Open(_db.DbPath)) SampleResults.CreateRun(v1);
        var schema = Schema();
        List<string> broken = [.. Migrations.All, "CREATE TABLE half_done (x INTEGER)", "THIS IS NOT SQL"];

        var e = Assert.Throws<InvalidDataException>(() => ResultsStore.Open(_db.DbPath, broken));
        Assert.Contains(_db.DbPath, e.Message);
        Assert.Equal(Migrations.Current, _db.Scalar("PRAGMA user_version"));
        Assert.Equal(schema, Schema());  // half_done rolled back with the rest
        using var again = ResultsStore.Open(_db.DbPath);
        Assert.Single(again.Runs.ListRuns());
    }
}
