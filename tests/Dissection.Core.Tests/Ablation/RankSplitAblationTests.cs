// Ranking units on one set of images and measuring on another (the paper ranks on train, reports on val): the order
// of each class's units is the ranking images' order, every drop is the measured images' own, the group curves remove
// units in that order, and the random baseline is the mean over the drawn sets, each checked by brute force.
using Dissection.Core.Ablation;
using TorchSharp;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Ablation;

public sealed class RankSplitAblationTests
{
    [Fact]
    public void Units_are_ordered_by_the_ranking_images_and_measured_on_the_session_images()
    {
        var seq = AblationModels.Random(6, 3, seed: 21);
        using var model = AblationModels.Wrap(seq, 3);
        var xRank = randn([30, 3, AblationModels.Size, AblationModels.Size], generator: new Generator(31));
        var xMeasure = randn([24, 3, AblationModels.Size, AblationModels.Size], generator: new Generator(32));
        var rankLabels = Enumerable.Range(0, 30).Select(i => i % 3).ToArray();
        var labels = Enumerable.Range(0, 24).Select(i => (i * 7) % 3).ToArray();
        var settings = new AblationSettings { BatchSize = 7, RandomDraws = 3, RandomSeed = 5 };
        using var rank = AblationSession.ForInputs(model, "conv2", xRank, rankLabels, settings);
        using var measure = AblationSession.ForInputs(model, "conv2", xMeasure, labels, settings);
        var result = AblationRunner.Run(measure, settings, rankOn: rank);

        // Brute force: single-unit metrics on each set, separately.
        var singles = Enumerable.Range(0, 6).Select(u => (IReadOnlyCollection<int>)new[] { u }).ToList();
        var onRank = rank.Evaluate(singles);
        var onMeasure = measure.Evaluate(singles);
        var baseline = onMeasure[0].BalancedAccuracy;
        for (var c = 0; c < 3; c++)
        {
            var order = Enumerable.Range(0, 6)
                .Select(u => (Unit: u, Drop: onRank[0].BalancedAccuracy[c] - onRank[u + 1].BalancedAccuracy[c],
                    Prob: onRank[0].ClassProbability[c] - onRank[u + 1].ClassProbability[c]))
                .OrderByDescending(t => t.Drop).ThenByDescending(t => t.Prob).ThenBy(t => t.Unit).Select(t => t.Unit).ToList();
            Assert.Equal(order.Take(4), result.Importance[c].ImportantUnits.Select(d => d.Unit));
            foreach (var d in result.Importance[c].ImportantUnits)
                Assert.Equal(baseline[c] - onMeasure[d.Unit + 1].BalancedAccuracy[c], d.Drop, 12);

            var curve = result.Curves.Single(k => k.Class == c);
            foreach (var p in curve.Points)
            {
                var removed = measure.Evaluate([order.Take(p.N).ToArray(), order.Skip(p.N).ToArray()]);
                Assert.Equal(removed[1].BalancedAccuracy[c], p.RemoveTop, 12);
                Assert.Equal(removed[2].BalancedAccuracy[c], p.KeepTop, 12);
            }
        }
        Assert.Contains("ranked", result.Note);

        // The random baseline: the same draws as the runner (seeded shuffles), averaged.
        var rng = new Random(5);
        foreach (var n in new[] { 1, 4 })
        {
            var sets = Enumerable.Range(0, 3).Select(_ =>
            {
                var all = Enumerable.Range(0, 6).ToArray();
                rng.Shuffle(all);
                return (IReadOnlyCollection<int>)all.Take(n).ToArray();
            }).ToList();
            var m = measure.Evaluate(sets);
            var random = result.Random.Single(r => r.N == n);
            for (var c = 0; c < 3; c++)
                Assert.Equal(Enumerable.Range(1, 3).Average(i => baseline[c] - m[i].BalancedAccuracy[c]), random.MeanDrop[c], 12);
        }
        Assert.DoesNotContain(result.Random, r => r.N == 20);   // not below the unit count

        var summary = GroupAblationSummary.At(result, 4)!;
        Assert.Equal(Enumerable.Range(0, 3).Average(c => baseline[c] - result.Curves.Single(k => k.Class == c).Points.Single(p => p.N == 4).RemoveTop),
            summary.RemoveTop, 12);
        Assert.Equal(result.Random.Single(r => r.N == 4).MeanDrop.Average(), summary.RemoveRandom, 12);
    }
}
