// What an ablation run measured for one layer: the unablated baseline, every single-unit ablation, each class's
// important units, and the two group-ablation curves per class. Balanced accuracy drops are positive when worse.
namespace Dissection.Core.Ablation;

/// <summary>Per-class metrics of one (possibly ablated) network over the images, indexed by model class.</summary>
/// <param name="Accuracy">Per class: the fraction of its images predicted as it (recall); NaN for a class without images.</param>
/// <param name="BalancedAccuracy">Per class, one-vs-rest on the argmax: (recall + true-negative rate) / 2.</param>
/// <param name="OverallAccuracy">Top-1 accuracy over all images (label-free: agreement with the unablated argmax).</param>
/// <param name="MeanConfidence">Mean probability the network gives the UNABLATED argmax class.</param>
public sealed record ClassMetrics(double[] Accuracy, double[] BalancedAccuracy, double OverallAccuracy, double MeanConfidence)
{
    /// <summary>Per class: mean probability the network gives the class on its own images (label-free: on the images
    /// the unablated network predicts as it). A continuous measure that still moves when no argmax changes, so it breaks
    /// ties in the importance ranking of a near-perfect classifier. Empty when not measured.</summary>
    public double[] ClassProbability { get; init; } = [];
}

public sealed record UnitAblation(int Unit, ClassMetrics Metrics);

/// <param name="Drop">Baseline minus ablated balanced accuracy of the class (positive = the ablation hurts).</param>
/// <param name="ProbabilityDrop">Drop of the class's mean probability on its own images (the tie-breaker).</param>
public sealed record UnitDrop(int Unit, double Drop, double ProbabilityDrop = 0);

/// <summary>The units whose single ablation hurts a class most, most damaging first.</summary>
public sealed record ClassImportance(int Class, string Name, double Baseline, IReadOnlyList<UnitDrop> ImportantUnits);

/// <summary>Balanced accuracy of one class with its N most important units removed, and with all units BUT those N removed.</summary>
public sealed record GroupPoint(int N, double RemoveTop, double KeepTop);

public sealed record GroupCurve(int Class, IReadOnlyList<GroupPoint> Points);

/// <summary>The chance baseline of the remove-top curve: per class, the balanced-accuracy drop of removing N random
/// units, averaged over Draws random sets (the same sets for every class).</summary>
public sealed record RandomRemoval(int N, int Draws, double[] MeanDrop);

/// <param name="Labelled">False when measured against the unablated predictions (no usable labels).</param>
/// <param name="Split">The dataset split used ("" = every image).</param>
/// <param name="Method">"split" (tail re-run on cached layer outputs) or "hooks" (full forward passes).</param>
/// <param name="Note">Anything the reader should know (label-free fallback, images left out, slower method); "" if none.</param>
public sealed record AblationResult(
    string Layer,
    bool Labelled,
    string Split,
    int Images,
    string Method,
    string Note,
    IReadOnlyList<string> Classes,
    ClassMetrics Baseline,
    IReadOnlyList<UnitAblation> Units,
    IReadOnlyList<ClassImportance> Importance,
    IReadOnlyList<GroupCurve> Curves)
{
    /// <summary>Random-removal baselines measured with the curves (not stored: a re-run measures them again).</summary>
    public IReadOnlyList<RandomRemoval> Random { get; init; } = [];

    /// <summary>A unit's balanced-accuracy drop for a class (NaN when the unit was not ablated or the class has no images).</summary>
    public double Drop(int unit, int cls) =>
        Units.FirstOrDefault(u => u.Unit == unit) is { } u ? Baseline.BalancedAccuracy[cls] - u.Metrics.BalancedAccuracy[cls] : double.NaN;

    /// <summary>Mean balanced-accuracy drop of a unit over the classes that have images.</summary>
    public static double MeanDrop(ClassMetrics baseline, ClassMetrics ablated)
    {
        double sum = 0;
        var n = 0;
        for (var c = 0; c < baseline.BalancedAccuracy.Length; c++)
        {
            var d = baseline.BalancedAccuracy[c] - ablated.BalancedAccuracy[c];
            if (double.IsFinite(d)) { sum += d; n++; }
        }
        return n > 0 ? sum / n : double.NaN;
    }
}
