// The ablation experiment for one layer: ablate each unit alone, rank units per class by the damage, keep each class's
// important units, then measure the two group curves (remove the top N / remove all but the top N) and, as their chance
// baseline, random sets of N units. The ranking may come from another split (the paper ranks on train, measures on val).
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Models;
using Dissection.Core.Work;

namespace Dissection.Core.Ablation;

public static class AblationRunner
{
    /// <summary>Runs the experiment on the dataset's images (see AblationSession.Open for labels and splitting).
    /// Throws OperationCanceledException on cancel; the model is never left edited.</summary>
    public static AblationResult Run(LoadedModel model, ConceptDataset dataset, string layer, AblationSettings? settings = null,
        IProgress<DissectionProgress>? progress = null, CancellationToken cancel = default)
    {
        settings ??= new AblationSettings();
        using var session = AblationSession.Open(model, dataset, layer, settings);
        using var ranking = OpenRanking(model, dataset, layer, settings);
        return Run(session, settings, progress, cancel, ranking);
    }

    /// <summary>The session whose single-unit ablations rank the units (settings.RankSplit), or null to rank on the
    /// measured images.</summary>
    public static AblationSession? OpenRanking(LoadedModel model, ConceptDataset dataset, string layer, AblationSettings settings) =>
        settings.RankSplit is null ? null
            : AblationSession.Open(model, dataset, layer, settings with { Split = settings.RankSplit, Limit = settings.RankLimit });

    /// <param name="rankOn">Images whose single-unit ablations order the units (null: the session's own); every number
    /// in the result is measured on the session's images.</param>
    public static AblationResult Run(IUnitSetEvaluator session, AblationSettings settings,
        IProgress<DissectionProgress>? progress = null, CancellationToken cancel = default, IUnitSetEvaluator? rankOn = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.ImportantCount < 1) throw new ArgumentException($"important units per class must be at least 1, got {settings.ImportantCount}");
        var units = settings.Units?.Distinct().Order().ToList() ?? Enumerable.Range(0, session.UnitCount).ToList();
        if (units.Count == 0) throw new ArgumentException("no units to ablate were given");
        foreach (var u in units)
            if (u < 0 || u >= session.UnitCount)
                throw new ArgumentException($"unit {u} is out of range: layer '{session.Layer}' has {session.UnitCount} units (0-{session.UnitCount - 1})");

        var singles = session.Evaluate(units.Select(u => (IReadOnlyCollection<int>)new[] { u }).ToList(), progress, cancel,
            "ablation: single units");
        var baseline = singles[0];
        var ablations = units.Select((u, i) => new UnitAblation(u, singles[i + 1])).ToList();

        var classes = Enumerable.Range(0, session.Classes.Count).ToList();
        var rankings = classes.ToDictionary(c => c, c => ClassImportanceRanking.Rank(baseline, ablations, c));
        var notes = new List<string> { session.Note };
        if (rankOn is not null)
        {
            if (rankOn.UnitCount != session.UnitCount || !rankOn.Classes.SequenceEqual(session.Classes))
                throw new ArgumentException("the ranking images must come from the same model and layer");
            var rankSingles = rankOn.Evaluate(units.Select(u => (IReadOnlyCollection<int>)new[] { u }).ToList(), progress, cancel,
                $"ablation: ranking on {rankOn.Split}");
            var rankAblations = units.Select((u, i) => new UnitAblation(u, rankSingles[i + 1])).ToList();
            // The order comes from the ranking images; the drops reported with it are the measured images' own.
            rankings = classes.ToDictionary(c => c, c =>
            {
                var own = rankings[c].ToDictionary(d => d.Unit);
                return own.Count == 0 ? rankings[c]
                    : (IReadOnlyList<UnitDrop>)ClassImportanceRanking.Rank(rankSingles[0], rankAblations, c).Select(d => own[d.Unit]).ToList();
            });
            notes.Add($"units ranked by their single-ablation drops on split '{rankOn.Split}' ({rankOn.Images} images); " +
                      $"every drop is measured on {(session.Split.Length > 0 ? $"split '{session.Split}'" : "the measured images")}");
        }
        var importance = classes.Select(c => new ClassImportance(c, session.Classes[c], baseline.BalancedAccuracy[c],
            rankings[c].Take(settings.ImportantCount).ToList())).ToList();

        var curves = new List<GroupCurve>();
        IReadOnlyList<RandomRemoval> random = [];
        if (settings.GroupCurves && units.Count == session.UnitCount && session.UnitCount > 1)
        {
            curves = GroupCurves(session, baseline, rankings, progress, cancel);
            random = RandomRemovals(session, baseline, settings, progress, cancel);
        }
        else if (settings.GroupCurves)
            notes.Add("group curves need every unit of the layer ablated; skipped");

        return new AblationResult(session.Layer, session.Labelled, session.Split, session.Images, session.Method,
            string.Join("; ", notes.Where(n => n.Length > 0)), session.Classes, baseline, ablations, importance, curves)
            { Random = random };
    }

    /// <summary>Group sizes whose chance baseline is measured: the paper's 4 and 20 (and 1), below the unit count.</summary>
    public static readonly int[] RandomSizes = [1, 4, 20];

    /// <summary>Per size, the per-class balanced-accuracy drop of removing N random units, averaged over the draws (the
    /// same draws for every class, from settings.RandomSeed).</summary>
    private static IReadOnlyList<RandomRemoval> RandomRemovals(IUnitSetEvaluator session, ClassMetrics baseline, AblationSettings settings,
        IProgress<DissectionProgress>? progress, CancellationToken cancel)
    {
        var sizes = RandomSizes.Where(n => n < session.UnitCount).ToArray();
        if (settings.RandomDraws < 1 || sizes.Length == 0) return [];
        var rng = new Random(settings.RandomSeed);
        var sets = new List<IReadOnlyCollection<int>>();
        foreach (var n in sizes)
            for (var d = 0; d < settings.RandomDraws; d++)
            {
                var all = Enumerable.Range(0, session.UnitCount).ToArray();
                rng.Shuffle(all);
                sets.Add(all.Take(n).ToArray());
            }
        var measured = session.Evaluate(sets, progress, cancel, "ablation: random units");
        var result = new List<RandomRemoval>();
        for (var s = 0; s < sizes.Length; s++)
        {
            var drops = new double[session.Classes.Count];
            for (var c = 0; c < drops.Length; c++)
                drops[c] = Enumerable.Range(0, settings.RandomDraws)
                    .Average(d => baseline.BalancedAccuracy[c] - measured[1 + s * settings.RandomDraws + d].BalancedAccuracy[c]);
            result.Add(new RandomRemoval(sizes[s], settings.RandomDraws, drops));
        }
        return result;
    }

    private static List<GroupCurve> GroupCurves(IUnitSetEvaluator session, ClassMetrics baseline,
        IReadOnlyDictionary<int, IReadOnlyList<UnitDrop>> rankings, IProgress<DissectionProgress>? progress, CancellationToken cancel)
    {
        var sizes = ClassImportanceRanking.GroupSizes(session.UnitCount);
        var ranked = rankings.Where(kv => kv.Value.Count == session.UnitCount).OrderBy(kv => kv.Key).ToList();
        var sets = new List<IReadOnlyCollection<int>>();
        foreach (var (_, ranking) in ranked)
            foreach (var n in sizes)
            {
                sets.Add(ranking.Take(n).Select(d => d.Unit).ToArray());   // remove the top n
                sets.Add(ranking.Skip(n).Select(d => d.Unit).ToArray());   // remove all but the top n
            }
        if (sets.Count == 0) return [];
        var measured = session.Evaluate(sets, progress, cancel, "ablation: group curves");
        var curves = new List<GroupCurve>();
        var i = 1;
        foreach (var (cls, _) in ranked)
        {
            var points = new List<GroupPoint>();
            foreach (var n in sizes)
            {
                points.Add(new GroupPoint(n, measured[i].BalancedAccuracy[cls], measured[i + 1].BalancedAccuracy[cls]));
                i += 2;
            }
            curves.Add(new GroupCurve(cls, points));
        }
        return curves;
    }
}
