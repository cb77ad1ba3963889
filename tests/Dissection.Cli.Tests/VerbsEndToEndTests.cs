// Verbs run end to end as real `dissect` processes on a small generated world (12 images) with the shipped demo
// models, checking what scripts and the README rely on: the run id as the last line of stdout, the printed tables,
// exit codes (0, 2 with one line naming the problem, 130 on Ctrl+C), and that ablate, attack, label, gan-removal
// and gan-context are recorded as jobs of the one executor that the dashboard follows.
using System.Diagnostics;
using Dissection.Core.Jobs;
using Dissection.Core.Storage;
using Dissection.Core.Tests;

namespace Dissection.Cli.Tests;

public sealed class VerbsEndToEndTests : IDisposable
{
    private const string Layer = "features.conv5_2";
    private readonly TempDir _temp = new();
    private static readonly string Vgg = "world-vgg:" + DissectProcess.RepositoryFile("data/models/world-vgg.pt");
    private static readonly string Seg = "world-seg:" + DissectProcess.RepositoryFile("data/models/world-seg.pt");

    private string Folder => _temp.Path;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    private (int Code, string Out, string Err) Dissect(params string[] args) => DissectProcess.Run(Folder, args);

    private static string LastLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];

    private void World()
    {
        var world = Dissect("world", "--out", "world", "--count", "12", "--size", "128", "--seed", "3");
        Assert.True(world.Code == 0, world.Err);
        Assert.StartsWith("generated 12 images of 128x128", world.Out);
    }

    [Fact]
    public void World_run_summary_export_ablate_attack_and_label_behave_as_documented()
    {
        World();
        var run = Dissect("run", "--model", Vgg, "--dataset", "world", "--layers", Layer, "--db", "r.db", "--batch", "12");
        Assert.True(run.Code == 0, run.Err);
        Assert.Equal("1", LastLine(run.Out));
        Assert.Contains($"{Layer}: ", run.Err);

        var summary = Dissect("summary", "--db", "r.db", "--run", "1");
        Assert.Equal(0, summary.Code);
        Assert.StartsWith("run 1: ", summary.Out);
        Assert.Contains(Layer, summary.Out);

        Assert.Equal(0, Dissect("export", "--db", "r.db", "--run", "1", "--format", "CSV", "--out", "out/run.csv").Code);
        Assert.True(File.ReadAllLines(Path.Combine(Folder, "out/run.csv")).Length > 1);
        var missing = Dissect("export", "--db", "missing.db", "--run", "1");
        Assert.Equal(2, missing.Code);
        Assert.StartsWith("dissect export: no results database at ", missing.Err);
        Assert.DoesNotContain("   at ", missing.Err);   // no stack trace
        var noRun = Dissect("export", "--db", "r.db", "--run", "7");
        Assert.Equal(2, noRun.Code);
        Assert.Contains("run 7 does not exist", noRun.Err);

        var ablate = Dissect("ablate", "--db", "r.db", "--run", "1", "--layer", Layer, "--no-curves", "--batch", "12");
        Assert.True(ablate.Code == 0, ablate.Err);
        Assert.StartsWith($"{Layer}: 12 images, baseline top-1 accuracy ", ablate.Out);

        var attack = Dissect("attack", "--db", "r.db", "--run", "1", "--layer", Layer, "--dataset", "world", "--target", "bedroom",
            "--count", "2", "--steps", "2", "--step-size", "1/255");
        Assert.True(attack.Code == 0, attack.Err);
        Assert.StartsWith("target bedroom (", attack.Out);
        Assert.Contains("2 steps of 0.00392", attack.Out);
        Assert.Contains("Attack experiment 1: ", attack.Err);
        var unsaved = Dissect("attack", "--db", "r.db", "--run", "1", "--layer", Layer, "--dataset", "world", "--target", "bedroom",
            "--count", "1", "--steps", "1", "--no-save");
        Assert.True(unsaved.Code == 0, unsaved.Err);
        Assert.Contains("Not saved: ", unsaved.Err);
        // The job kind's own Validate() names the option.
        var badEps = Dissect("attack", "--db", "r.db", "--run", "1", "--layer", Layer, "--dataset", "world", "--target", "bedroom", "--eps", "2");
        Assert.Equal(2, badEps.Code);
        Assert.StartsWith("dissect attack: --eps: ", badEps.Err);

        Directory.CreateDirectory(Path.Combine(Folder, "photos"));
        foreach (var jpg in Directory.GetFiles(Path.Combine(Folder, "world/images"), "*.jpg").Order().Take(3))
            File.Copy(jpg, Path.Combine(Folder, "photos", Path.GetFileName(jpg)));
        var label = Dissect("label", "--images", "photos", "--segmenter", Seg, "--out", "labelled", "--db", "r.db");
        Assert.True(label.Code == 0, label.Err);
        Assert.StartsWith("labelled 3 images at 64x64 (3 segmented, 0 from the cache, 0 skipped)", label.Out);
        var badLabel = Dissect("label", "--images", "nowhere", "--segmenter", Seg, "--out", "labelled", "--db", "r.db");
        Assert.Equal(2, badLabel.Code);
        Assert.StartsWith("dissect label: --images: ", badLabel.Err);

        using var store = ResultsStore.Open(Path.Combine(Folder, "r.db"));
        Assert.Single(store.Attacks.GetAttackExperiments(1, Layer));
        var jobs = store.Jobs.ListJobs().Where(j => j.RequestedBy == "cli").ToList();
        Assert.Equal([JobKind.DissectClassifier, JobKind.Ablate, JobKind.Attack, JobKind.Attack, JobKind.Label],
            jobs.OrderBy(j => j.Id).Select(j => j.Kind));
        Assert.All(jobs, j => Assert.Equal(JobState.Done, j.State));
    }

    [Fact]
    public void Gan_removal_and_gan_context_run_as_causal_jobs_on_a_generator_run()
    {
        var run = Dissect("run", "--model", "proggan:" + DissectProcess.RepositoryFile("data/models/world-gan.pt"), "--dataset", "z:1:8",
            "--segmenter", Seg, "--layers", "layer4", "--db", "g.db", "--samples", "samples", "--batch", "8");
        Assert.True(run.Code == 0, run.Err);
        Assert.Equal("1", LastLine(run.Out));
        string concept;
        using (var store = ResultsStore.Open(Path.Combine(Folder, "g.db")))
            concept = store.Layers.GetUnitSummaries(1, "layer4").Where(u => u.Label?.Category == "object").Select(u => u.Label!.Name)
                .Distinct().Order(StringComparer.Ordinal).First(n => store.Gan.GetConceptUnits(1, "layer4", n).Count >= 2);

        var removal = Dissect("gan-removal", "--db", "g.db", "--run", "1", "--layer", "layer4", "--concept", concept, "--samples", "2",
            "--max-units", "2", "--batch", "2");
        Assert.True(removal.Code == 0, removal.Err);
        Assert.StartsWith($"{concept} on layer4: baseline ", removal.Out);
        Assert.Contains("k\tremaining\t99% interval\tmean share\n0\t", removal.Out.Replace("\r", ""));
        var context = Dissect("gan-context", "--db", "g.db", "--run", "1", "--layer", "layer4", "--concept", concept, "--samples", "1", "--units", "2");
        Assert.True(context.Code == 0, context.Err);
        Assert.Contains("context\tcells\tmean added area\t99% interval", context.Out);

        var zero = Dissect("gan-removal", "--db", "g.db", "--run", "1", "--samples", "0");
        Assert.Equal(2, zero.Code);
        Assert.StartsWith("dissect gan-removal: --samples: ", zero.Err);
        var badConcept = Dissect("gan-context", "--db", "g.db", "--run", "1", "--layer", "layer4", "--concept", "no-such-concept", "--samples", "1");
        Assert.Equal(2, badConcept.Code);
        Assert.Contains("no-such-concept", badConcept.Err);

        using var check = ResultsStore.Open(Path.Combine(Folder, "g.db"));
        Assert.Single(check.Gan.GetRemovalCurves(1, "layer4"));
        Assert.Single(check.Gan.GetContextInsertions(1, "layer4"));
        Assert.Equal(3, check.Jobs.ListJobs().Count(j => j.Kind == JobKind.GanCausal));
    }

    [Fact]
    public void Ctrl_c_cancels_an_attack_job_and_exits_with_130()
    {
        World();
        Assert.Equal(0, Dissect("run", "--model", Vgg, "--dataset", "world", "--layers", Layer, "--db", "r.db", "--batch", "12").Code);
        Assert.Equal(0, Dissect("ablate", "--db", "r.db", "--run", "1", "--layer", Layer, "--no-curves", "--batch", "12").Code);
        using var p = DissectProcess.Start(Folder, "attack", "--db", "r.db", "--run", "1", "--layer", Layer, "--dataset", "world",
            "--target", "bedroom", "--count", "12", "--steps", "300", "--no-early-stop", "--batch", "1");
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        JobRecord? attack = null;
        while (clock.Elapsed < TimeSpan.FromMinutes(3) && attack?.Progress is not { Done: > 0 })
        {
            Thread.Sleep(250);
            using var store = ResultsStore.Open(Path.Combine(Folder, "r.db"));
            attack = store.Jobs.ListJobs().FirstOrDefault(j => j.Kind == JobKind.Attack);
        }
        Assert.Equal(JobState.Running, attack?.State);
        using (var kill = Process.Start("kill", ["-INT", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) kill.WaitForExit();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(2)), "dissect did not stop after Ctrl+C");
        Assert.Equal(130, p.ExitCode);
        Assert.Contains("dissect: cancelled", err.Result);
        Assert.Equal("", output.Result);
        using var after = ResultsStore.Open(Path.Combine(Folder, "r.db"));
        Assert.Equal(JobState.Cancelled, after.Jobs.GetJob(attack!.Id)!.State);
        Assert.Empty(after.Attacks.GetAttackExperiments(1, Layer));
    }
}
