// Attack experiments in the results store: exact round trip (undefined statistics included), per-layer reads,
// refusal of bad input without side effects, cascade with the run, and their place in the JSON export.
using System.Text.Json;
using Dissection.Core.Attacks;
using Dissection.Core.Dissection;
using Dissection.Core.Storage;
using Dissection.Core.Statistics;

namespace Dissection.Core.Tests.Storage;

public sealed class AttackExperimentStoreTests : IDisposable
{
    private readonly TempDatabase _db = new();
    public void Dispose() => _db.Dispose();

    internal static AttackExperimentResult Sample(string layer, int target, double eps, int succeeded = 3) => new(
        layer, target, $"class{target}", new AttackSettings(eps, Steps: 10, StepSize: null, Norm: AttackNorm.L2, RandomStart: true, Seed: 42),
        Requested: 5, Attempted: 4, Succeeded: succeeded, MeanSteps: 6.5, MeanTargetProbability: 0.61, MeanLinf: 0.01, MeanL2: 0.2,
        TargetUnits: [7, 3, 11, 0],
        Groups:
        [
            new(GroupStatistics.Target, MeanInterval.Of([0.5, 0.7, 0.9]), MeanInterval.Of([0.5, -0.7, 0.9])),
            new(GroupStatistics.Source, MeanInterval.Of([0.25]), MeanInterval.Of([-0.25])),  // one value: no interval
            new(GroupStatistics.Other, MeanInterval.Of([]), MeanInterval.Of([])),            // none: all undefined
        ],
        Note: "2 images already predicted as class1 skipped");

    private (ResultsStore Store, long Run) Fixture()
    {
        var store = _db.Open();
        var run = store.Runs.CreateRun("attack", "world-vgg:data/models/world-vgg.pt", "data/world", ["features.conv5_2"], new DissectionSettings());
        return (store, run);
    }

    [Fact]
    public void Experiments_round_trip_exactly()
    {
        var (store, run) = Fixture();
        var saved = Sample("features.conv5_2", 1, 4 / 255.0);
        var id = store.Attacks.SaveAttackExperiment(run, saved);

        var back = Assert.Single(store.Attacks.GetAttackExperiments(run));
        Assert.Equal(id, back.Id);
        Assert.Equal(run, back.RunId);
        Assert.True((DateTime.UtcNow - back.CreatedUtc).Duration() < TimeSpan.FromMinutes(5));
        var r = back.Result;
        Assert.Equal(saved.Attack.EffectiveStepSize, r.Attack.EffectiveStepSize);
        Assert.Equal(saved.Attack with { StepSize = saved.Attack.EffectiveStepSize }, r.Attack);
        Assert.Equal(saved.TargetUnits, r.TargetUnits);
        Assert.Equal(saved.Groups, r.Groups);  // records compare by value; NaN equals NaN in record equality
        Assert.Equal(saved with { Attack = r.Attack, TargetUnits = r.TargetUnits, Groups = r.Groups }, r);
        Assert.True(double.IsNaN(r.Group(GroupStatistics.Source).AbsDelta.Low));
        Assert.Equal(0, r.Group(GroupStatistics.Other).AbsDelta.Count);
    }

    [Fact]
    public void Reads_filter_by_layer_and_keep_the_saving_order()
    {
        var (store, run) = Fixture();
        store.Attacks.SaveAttackExperiment(run, Sample("features.conv5_2", 1, 4 / 255.0));
        store.Attacks.SaveAttackExperiment(run, Sample("features.conv4_2", 1, 2 / 255.0));
        store.Attacks.SaveAttackExperiment(run, Sample("features.conv5_2", 2, 2 / 255.0));
        Assert.Equal([4 / 255.0, 2 / 255.0], store.Attacks.GetAttackExperiments(run, "features.conv5_2").Select(e => e.Result.Attack.Epsilon));
        Assert.Equal(3, store.Attacks.GetAttackExperiments(run).Count);
        Assert.Empty(store.Attacks.GetAttackExperiments(run, "features.conv1_1"));
    }

    [Fact]
    public void Bad_experiments_are_refused_and_leave_nothing_behind()
    {
        var (store, run) = Fixture();
        Assert.Throws<ArgumentException>(() => store.Attacks.SaveAttackExperiment(run + 99, Sample("l", 1, 0.01)));
        Assert.Throws<ArgumentException>(() => store.Attacks.SaveAttackExperiment(run, Sample("l", 1, 0.01, succeeded: 5)));
        var bad = Sample("l", 1, 0.01);
        Assert.Throws<ArgumentException>(() => store.Attacks.SaveAttackExperiment(run, bad with { Groups = bad.Groups.Take(2).ToList() }));
        Assert.Throws<ArgumentException>(() => store.Attacks.SaveAttackExperiment(run, bad with { Target = -1 }));  // CHECK constraint
        Assert.Equal(0, _db.Scalar("SELECT count(*) FROM attack_experiments"));
        Assert.Equal(0, _db.Scalar("SELECT count(*) FROM attack_groups"));
    }

    [Fact]
    public void Deleting_the_run_or_the_experiment_removes_its_groups()
    {
        var (store, run) = Fixture();
        var first = store.Attacks.SaveAttackExperiment(run, Sample("l", 1, 0.01));
        store.Attacks.SaveAttackExperiment(run, Sample("l", 2, 0.01));
        Assert.True(store.Attacks.DeleteAttackExperiment(first));
        Assert.False(store.Attacks.DeleteAttackExperiment(first));
        Assert.Equal(3, _db.Scalar("SELECT count(*) FROM attack_groups"));
        store.Runs.DeleteRun(run);
        Assert.Equal(0, _db.Scalar("SELECT count(*) FROM attack_experiments"));
        Assert.Equal(0, _db.Scalar("SELECT count(*) FROM attack_groups"));
    }

    [Fact]
    public void Export_lists_attacks_in_the_run_object_with_null_for_undefined_statistics()
    {
        var (store, run) = Fixture();
        store.Layers.SaveLayer(run, SampleResults.Layer("features.conv5_2", units: 2, seed: 3));
        store.Attacks.SaveAttackExperiment(run, Sample("features.conv5_2", 1, 4 / 255.0));
        store.Attacks.SaveAttackExperiment(run, Sample("features.conv4_2", 2, 2 / 255.0));

        var text = new StringWriter();
        RunExport.WriteJson(store, run, text, "features.conv5_2");
        using var doc = JsonDocument.Parse(text.ToString());
        var attack = Assert.Single(doc.RootElement.GetProperty("run").GetProperty("attacks").EnumerateArray());
        Assert.Equal(["layer", "target", "targetName", "norm", "epsilon", "stepSize", "steps", "randomStart", "seed", "requested",
            "attempted", "succeeded", "successRate", "meanSteps", "meanTargetProbability", "targetUnits", "note", "groups"],
            attack.EnumerateObject().Select(p => p.Name));
        Assert.Equal("l2", attack.GetProperty("norm").GetString());
        Assert.Equal(0.75, attack.GetProperty("successRate").GetDouble());
        Assert.Equal([7, 3, 11, 0], attack.GetProperty("targetUnits").EnumerateArray().Select(u => u.GetInt32()));
        var groups = attack.GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal(["target", "source", "other"], groups.Select(g => g.GetProperty("group").GetString()));
        Assert.Equal(0.7, groups[0].GetProperty("meanAbsDelta").GetDouble(), 12);
        Assert.Equal(JsonValueKind.Null, groups[1].GetProperty("absLow").ValueKind);
        Assert.Equal(JsonValueKind.Null, groups[2].GetProperty("meanAbsDelta").ValueKind);

        var all = new StringWriter();
        RunExport.WriteJson(store, run, all);
        using var full = JsonDocument.Parse(all.ToString());
        Assert.Equal(2, full.RootElement.GetProperty("run").GetProperty("attacks").GetArrayLength());
    }

    [Fact]
    public void Important_units_come_from_the_stored_ablation_of_the_layer()
    {
        var (store, run) = Fixture();
        Assert.Null(store.Attacks.GetImportantUnits(run, "conv2"));  // not ablated yet: the CLI then asks for `dissect ablate`
        store.Ablations.SaveAblation(run, Ablation.AblationStoreTests.Sample("conv2"));

        var units = store.Attacks.GetImportantUnits(run, "conv2")!;
        Assert.Equal("conv2", units.Layer);
        Assert.Equal([3, 2], units.For(0));   // most damaging first
        Assert.Equal([0, 1], units.For(1));
        Assert.False(units.Has(2));           // a class without images has no ranking
        Assert.Contains("dissect ablate", Assert.Throws<InvalidOperationException>(() => units.For(2, "kitchen")).Message);
        Assert.Equal([3], store.Attacks.GetImportantUnits(run, "conv2", top: 1)!.For(0));
        Assert.Null(store.Attacks.GetImportantUnits(run, "conv1"));
    }
}
