// How far a unit's label can be trusted, measured in the same IoU pass as the label itself (Tallies/IouTally):
// split-half reliability (the unit's IoU on the even and on the odd images of the dataset, and whether the label is the
// best concept on both halves) and lift over chance (the label's IoU as a multiple of the IoU that a random region of
// the unit's size would get with that concept, from the dataset-level pixel frequencies). The verdict's thresholds live
// here and nowhere else; the dashboard shows the verdict as a badge and Reason as its tooltip.
using System.Globalization;

namespace Dissection.Core.Dissection;

/// <summary>Strong: stable, IoU and lift above the thresholds; weak: stable but low; unstable: the halves disagree.</summary>
public enum LabelTrust { Strong, Weak, Unstable }

/// <param name="EvenIou">The label's IoU over the images with an even index.</param>
/// <param name="OddIou">The label's IoU over the images with an odd index.</param>
/// <param name="EvenBest">The best concept on the even half (null when no concept overlaps the unit there).</param>
/// <param name="OddBest">The best concept on the odd half.</param>
/// <param name="Stable">The label is the best concept on both halves.</param>
/// <param name="ChanceIou">The IoU a random region as large as the unit's would get with the label's concept.</param>
/// <param name="Lift">The label's IoU divided by <paramref name="ChanceIou"/> (0 when chance is 0).</param>
public sealed record LabelReliability(double EvenIou, double OddIou, string? EvenBest, string? OddBest, bool Stable,
    double ChanceIou, double Lift)
{
    /// <summary>Strong needs at least this IoU: the detector cut-off of the papers (NetDissect, PNAS 2020).</summary>
    public const double StrongIou = 0.04;

    /// <summary>Strong needs at least this many times the chance IoU. A top-0.5 % region's chance IoU is at most about
    /// 0.005, so IoU 0.04 is ~8x chance there; 5x leaves room for larger regions while calling near-chance labels weak.</summary>
    public const double StrongLift = 5;

    /// <summary>The verdict for a label of IoU <paramref name="iou"/>.</summary>
    public LabelTrust Trust(double iou) =>
        !Stable ? LabelTrust.Unstable : iou >= StrongIou && Lift >= StrongLift ? LabelTrust.Strong : LabelTrust.Weak;

    /// <summary>Why the verdict is what it is, in one plain sentence (the badge's tooltip).</summary>
    public string Reason(string label, double iou)
    {
        var halves = $"IoU {F(EvenIou)} on the even images, {F(OddIou)} on the odd";
        if (!Stable)
        {
            string Name(string? best) => best ?? "no concept";
            return EvenBest == OddBest
                ? $"best concept on both halves is {Name(EvenBest)}, not {label} ({halves})"
                : $"best concept differs between halves: {Name(EvenBest)} vs {Name(OddBest)} (even vs odd images)";
        }
        var lift = $"{Lift.ToString("0.#", CultureInfo.InvariantCulture)}× chance ({F(ChanceIou)})";
        return Trust(iou) switch
        {
            LabelTrust.Strong => $"{label} is best on both halves ({halves}); IoU {F(iou)} is {lift}",
            _ when iou < StrongIou => $"IoU {F(iou)} is below {F(StrongIou)}, though {label} is best on both halves; it is {lift}",
            _ => $"IoU {F(iou)} is only {lift}; strong needs {StrongLift.ToString(CultureInfo.InvariantCulture)}×",
        };
    }

    private static string F(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);
}
