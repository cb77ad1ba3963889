// Deleting a run in a real SQLite file: every row kept for it goes (layers, units, concepts, top images, ablations,
// attacks, GAN records and experiments, sharing, its jobs by run and by parameters, the short links shown for it) and
// nothing else changes: the database after deleting run A equals, table by table and row by row, a database that only
// ever held run B. A run whose job waits or runs is refused whole. Uploads are held per owner.
using Dissection.Core.Dissection;
using Dissection.Core.Gan;
using Dissection.Core.Jobs;
using Dissection.Core.Storage;
using Dissection.Core.Tests.Ablation;
using Dissection.Core.Work;

namespace Dissection.Core.Tests.Storage;

public sealed class RunDeletionTests : IDisposable
{
    private readonly TempDatabase _db = new();
    public void Dispose() => _db.Dispose();

    /// <summary>One of everything the store keeps for a run; returns the run id.</summary>
    private static long FillRun(ResultsStore store, string name, int seed)
    {
        var run = SampleResults.CreateRun(store, name, null, "conv1", "layer4");
        store.Layers.SaveLayer(run, SampleResults.Layer("conv1", 6, seed));
        store.Layers.SaveLayer(run, SampleResults.Layer("layer4", 3, seed + 1));
        store.Ablations.SaveAblation(run, AblationStoreTests.Sample("conv1"));
        store.Attacks.SaveAttackExperiment(run, AttackExperimentStoreTests.Sample("conv1", 1, 4 / 255.0));
        store.Gan.SaveGanRun(run, new GanSampleSet("proggan:g.pt", "world-seg:s.pt", 1, 10, 128, 64, 64, "data/gan/x"));
        store.Gan.SaveConceptIous(run, SampleResults.Layer("layer4", 3, seed + 1));
        store.Gan.SaveRemovalCurve(run, GanStoreTests.Curve());
        store.Gan.SaveContextInsertion(run, GanStoreTests.Context());
        store.SetRunOwner(run, "eddie");
        store.SetRunPublished(run, true);
        var dissection = store.Jobs.CreateJob(new JobRequest(JobKind.DissectClassifier, $"dissect {name}", new { }, RunId: run), "{}");
        store.Jobs.FinishJob(store.Jobs.ClaimJob(dissection, JobOwner.Current)!.Id, JobState.Done, null);
        // Jobs that name the run only in their parameters (ablation, attack, report): done, failed, cancelled.
        var ablate = store.Jobs.CreateJob(new JobRequest(JobKind.Ablate, $"ablate {name}", new { }), $$"""{"runId":{{run}},"layer":"conv1"}""");
        store.Jobs.CancelQueuedJob(ablate, "no");
        var attack = store.Jobs.CreateJob(new JobRequest(JobKind.Attack, $"attack {name}", new { }), $$"""{"runId":{{run}},"layer":"conv1","target":"beach"}""");
        store.Jobs.FinishJob(store.Jobs.ClaimJob(attack, JobOwner.Current)!.Id, JobState.Failed, "broke");
        store.Links.SaveShortLink($"/runs/{run}/layers/conv1?x={new string('a', 10)}");
        return run;
    }

    /// <summary>Every row of every table, as text, per table (sqlite_sequence and the deletion record left out).</summary>
    private SortedDictionary<string, List<string>> Dump()
    {
        using var c = _db.Raw();
        var tables = new List<string>();
        using (var list = c.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('sqlite_sequence', 'deleted_runs') ORDER BY name";
            using var r = list.ExecuteReader();
            while (r.Read()) tables.Add(r.GetString(0));
        }
        var dump = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var t in tables)
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT * FROM {t}";
            using var r = cmd.ExecuteReader();
            var rows = new List<string>();
            while (r.Read())
                rows.Add(string.Join('|', Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? "NULL"
                    : r.GetValue(i) is byte[] b ? Convert.ToHexString(b) : Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
            rows.Sort(StringComparer.Ordinal);
            dump[t] = rows;
        }
        return dump;
    }

    [Fact]
    public void Deleting_a_run_removes_every_row_kept_for_it_and_leaves_every_other_row_as_it_was()
    {
        var store = _db.Open();
        var keep = FillRun(store, "kept", 1);
        store.Links.SaveShortLink("/gan/world-gan?seed=3");
        var before = Dump();
        Assert.All(new[] { "layers", "units", "unit_concepts", "unit_top_images", "ablations", "ablation_units", "ablation_important",
                           "ablation_curves", "attack_experiments", "attack_groups", "gan_runs", "unit_concept_ious", "gan_removals",
                           "gan_removal_points", "gan_contexts", "gan_context_rows", "run_sharing", "jobs", "short_links" },
            t => Assert.NotEmpty(before[t]));   // the kept run really fills every table the deletion must clear

        var gone = FillRun(store, "deleted", 5);
        Assert.NotEqual(before, Dump());
        Assert.True(store.Runs.DeleteRun(gone, "user:eddie", target => target.StartsWith($"/runs/{gone}/", StringComparison.Ordinal)));

        var after = Dump();
        foreach (var (table, rows) in before) Assert.True(rows.SequenceEqual(after[table]), $"table {table} differs");
        Assert.Equal(before.Keys, after.Keys);
        Assert.Null(store.Runs.GetRun(gone));
        Assert.NotNull(store.Runs.GetRun(keep));
        Assert.True(store.Runs.WasDeletedByUser("deleted"));
        Assert.False(store.Runs.WasDeletedByUser("kept"));
        Assert.False(store.Runs.DeleteRun(gone, "user:eddie"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_run_whose_job_waits_or_runs_is_refused_whole(bool running)
    {
        var store = _db.Open();
        var run = FillRun(store, "busy", 2);
        var job = store.Jobs.CreateJob(new JobRequest(JobKind.Ablate, "ablate layer4 now", new { }), $$"""{"runId":{{run}},"layer":"layer4"}""");
        if (running) store.Jobs.ClaimJob(job, JobOwner.Current);
        var before = Dump();
        var e = Assert.Throws<RunInUseException>(() => store.Runs.DeleteRun(run, "admin"));
        Assert.Contains("ablate layer4 now", e.Message);
        Assert.Contains("cancel it", e.Message);
        Assert.Equal(before, Dump());
        Assert.False(store.Runs.WasDeletedByUser("busy"));

        // Once the job has ended the run goes.
        if (running) store.Jobs.FinishJob(job, JobState.Cancelled, null);
        else store.Jobs.CancelQueuedJob(job, "cancelled");
        Assert.True(store.Runs.DeleteRun(run));
        Assert.Equal(0, _db.Scalar("SELECT COUNT(*) FROM jobs"));
        Assert.False(store.Runs.WasDeletedByUser("busy"));   // no user named: not remembered
    }

    [Fact]
    public void Uploads_are_held_per_owner_and_the_file_goes_with_its_last_holder()
    {
        var store = _db.Open();
        store.Uploads.Record("0123456789abcdef", "user:eddie", 1000, "cat.png");
        store.Uploads.Record("0123456789abcdef", "user:olga", 1000, "my cat.png");   // the same picture, another owner
        store.Uploads.Record("fedcba9876543210", "user:eddie", 500, "dog.jpg");
        Assert.Equal(1500, store.Uploads.Bytes("user:eddie"));
        Assert.Equal(1000, store.Uploads.Bytes("user:olga"));
        Assert.Equal(["cat.png", "dog.jpg"], store.Uploads.List("user:eddie").Select(u => u.Name).Order());
        Assert.Equal(3, store.Uploads.List().Count);

        Assert.Equal((true, true), store.Uploads.Remove("0123456789abcdef", "user:eddie"));
        Assert.Equal((false, true), store.Uploads.Remove("0123456789abcdef", "user:eddie"));
        Assert.Equal(500, store.Uploads.Bytes("user:eddie"));
        Assert.Equal("my cat.png", Assert.Single(store.Uploads.List("user:olga")).Name);
        Assert.Equal((true, false), store.Uploads.Remove("0123456789abcdef", "user:olga"));
        Assert.Empty(store.Uploads.List("user:olga"));
    }

    [Fact]
    public void Uploads_saved_before_they_had_names_keep_their_owner_and_size()
    {
        // A database at migration 7 with one upload, opened by this build: the holding survives with an empty name.
        using (ResultsStore.Open(_db.DbPath, Migrations.All.Take(7).ToList()))
        {
            using var c = _db.Raw();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "INSERT INTO uploads (id, owner, bytes, created_utc) VALUES ('0123456789abcdef', 'user:eddie', 77, '2026-12-01T00:00:00.0000000Z')";
            cmd.ExecuteNonQuery();
        }
        var store = _db.Open();
        var u = Assert.Single(store.Uploads.List());
        Assert.Equal(("0123456789abcdef", "user:eddie", "", 77L), (u.Id, u.Owner, u.Name, u.Bytes));
    }
}
