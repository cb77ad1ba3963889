// The ablation experiment for one layer: ablate each unit alone, rank units per class by the damage, keep each class's
// important units, then measure the two group curves (remove the top N / remove all but the top N).
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Models;

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
        return Run(session, settings, progress, cancel);
    }

    public static AblationResult Run(AblationSession session, AblationSettings settings,
        IProgress<DissectionProgress>? progress = null, CancellationToken cancel = default)
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
        var importance = classes.Select(c => new ClassImportance(c, session.Classes[c], baseline.BalancedAccuracy[c],
            rankings[c].Take(settings.ImportantCount).ToList())).ToList();

        var notes = new List<string> { session.Note };
        var curves = new List<GroupCurve>();
        if (settings.GroupCurves && units.Count == session.UnitCount && session.UnitCount > 1)
            curves = GroupCurves(session, baseline, rankings, progress, cancel);
        else if (settings.GroupCurves)
            notes.Add("group curves need every unit of the layer ablated; skipped");

        return new AblationResult(session.Layer, session.Labelled, session.Split, session.Images, session.Method,
            string.Join("; ", notes.Where(n => n.Length > 0)), session.Classes, baseline, ablations, importance, curves);
    }

    private static List<GroupCurve> GroupCurves(AblationSession session, ClassMetrics baseline,
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
