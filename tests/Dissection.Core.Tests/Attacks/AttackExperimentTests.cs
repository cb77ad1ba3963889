// The batch experiment on a real image folder: it skips images of (or predicted as) the target, attacks the rest,
// measures the three unit groups over the successful attacks, and is deterministic for a seed.
using Dissection.Core.Attacks;
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Work;

namespace Dissection.Core.Tests.Attacks;

[Collection(TinyClassifierCollection.Name)]
public sealed class AttackExperimentTests(TinyColourClassifier tiny) : IDisposable
{
    private readonly string _root = Directory.CreateDirectory(
        Path.Combine(Path.GetTempPath(), "attack-experiment-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private static readonly ImportantUnits Units = new(TinyColourClassifier.Layer,
        new Dictionary<int, int[]> { [0] = [0, 1, 2, 3], [1] = [4, 5, 6, 7], [2] = [8, 9, 10, 11] });

    [Fact]
    public void Experiment_attacks_non_target_images_and_reports_groups_over_successes()
    {
        TinyColourClassifier.WriteFolder(_root, perClass: 4, seed: 51);
        var dataset = ConceptDataset.Open(_root);
        // Scene concepts are blue, green, red (sorted); the model's classes are red, green, blue.
        var classes = dataset.Images.Select(i => Array.IndexOf(TinyColourClassifier.Classes, dataset.Concepts[i.SceneLabel!.Value].Name)).ToArray();
        var settings = new AttackExperimentSettings(TinyColourClassifier.Layer, Target: 2,
            new AttackSettings(0.25, Steps: 20, StepSize: 0.03), Count: 6, BatchSize: 4);
        var reports = new List<DissectionProgress>();
        var progress = new SyncProgress(reports);

        var result = AttackExperiment.Run(tiny.Model, dataset, Units, settings, classes, progress);

        Assert.Equal(6, result.Attempted);
        Assert.Equal("blue", result.TargetName);
        Assert.Equal([8, 9, 10, 11], result.TargetUnits);
        Assert.Contains("4 images labelled blue skipped", result.Note);
        Assert.Contains("no 'val' split", result.Note);
        Assert.InRange(result.Succeeded, 1, 6);
        Assert.Equal(result.Succeeded / 6.0, result.SuccessRate, 12);
        Assert.True(result.MeanLinf <= 0.25 + 1e-6);
        Assert.Equal(GroupStatistics.Names, result.Groups.Select(g => g.Group));
        Assert.All(result.Groups, g => Assert.Equal(result.Succeeded, g.AbsDelta.Count));
        Assert.All(result.Groups, g => Assert.True(g.AbsDelta.Mean >= 0));
        Assert.Equal(6, reports[^1].Done);

        var again = AttackExperiment.Run(tiny.Model, dataset, Units, settings, classes);
        Assert.Equal(result.Succeeded, again.Succeeded);
        Assert.Equal(result.Group("target").AbsDelta, again.Group("target").AbsDelta);
        Assert.Equal(result.Group("other").Delta, again.Group("other").Delta);
    }

    [Fact]
    public void A_target_without_important_units_asks_for_an_ablation()
    {
        TinyColourClassifier.WriteFolder(_root, perClass: 1, seed: 52);
        var dataset = ConceptDataset.Open(_root);
        var units = new ImportantUnits(TinyColourClassifier.Layer, new Dictionary<int, int[]> { [0] = [1] });
        var e = Assert.Throws<InvalidOperationException>(() => AttackExperiment.Run(tiny.Model, dataset, units,
            new AttackExperimentSettings(TinyColourClassifier.Layer, 2, new AttackSettings(0.01), Count: 1)));
        Assert.Contains("dissect ablate", e.Message);
        Assert.Contains("blue", e.Message);
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; the test needs the reports in order, now.</summary>
    private sealed class SyncProgress(List<DissectionProgress> reports) : IProgress<DissectionProgress>
    {
        public void Report(DissectionProgress value) => reports.Add(value);
    }
}
