// How far a unit's label can be trusted, measured in the same IoU pass as the label itself (Tallies/IouTally):
// split-half reliability (the unit's IoU on two disjoint halves of the images, A and B, and whether the label is the
// best concept on both halves) and lift over chance (the label's IoU as a multiple of the IoU that a random region of
// the unit's size would get with that concept, from the dataset-level pixel frequencies). The verdict's thresholds live
// here and nowhere else; the dashboard shows the verdict as a badge and Reason as its tooltip.
using System.Globalization;

namespace Dissection.Core.Dissection;

/// <summary>Strong: stable, IoU and lift above the thresholds; weak: stable but low; unstable: the halves disagree.</summary>
public enum LabelTrust { Strong, Weak, Unstable }

/// <param name="IouA">The label's IoU over half A of the images (<see cref="HalfOf"/>).</param>
/// <param name="IouB">The label's IoU over half B.</param>
/// <param name="BestA">The best concept on half A (null when no concept overlaps the unit there).</param>
/// <param name="BestB">The best concept on half B.</param>
/// <param name="Stable">The label is the best concept on both halves.</param>
/// <param name="ChanceIou">The IoU a random region as large as the unit's would get with the label's concept.</param>
/// <param name="Lift">The label's IoU divided by <paramref name="ChanceIou"/> (0 when chance is 0).</param>
public sealed record LabelReliability(double IouA, double IouB, string? BestA, string? BestB, bool Stable,
    double ChanceIou, double Lift)
{
    /// <summary>Strong needs at least this IoU: the detector cut-off of the papers (NetDissect, PNAS 2020).</summary>
    public const double StrongIou = 0.04;

    /// <summary>Strong needs at least this many times the chance IoU. A top-0.5 % region's chance IoU is at most about
    /// 0.005, so IoU 0.04 is ~8x chance there; 5x leaves room for larger regions while calling near-chance labels weak.</summary>
    public const double StrongLift = 5;

    /// <summary>
    /// The half (0: A, 1: B) that a dataset image belongs to: a hash of its index (SplitMix64's finaliser), so the two
    /// halves are a fair coin-flip split. Not the parity of the index: the synthetic world draws its scene classes in
    /// index order (scene = index mod 10), so even and odd images would each hold only half of the scenes, and every
    /// scene-specific unit would look unstable.
    /// </summary>
    public static int HalfOf(int imageIndex)
    {
        var z = unchecked((ulong)imageIndex + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)((z ^ (z >> 31)) >> 63);
    }

    /// <summary>The verdict for a label of IoU <paramref name="iou"/>.</summary>
    public LabelTrust Trust(double iou) =>
        !Stable ? LabelTrust.Unstable : iou >= StrongIou && Lift >= StrongLift ? LabelTrust.Strong : LabelTrust.Weak;

    /// <summary>Why the verdict is what it is, in one plain sentence (the badge's tooltip).</summary>
    public string Reason(string label, double iou)
    {
        var halves = $"IoU {F(IouA)} on half A of the images, {F(IouB)} on half B";
        if (!Stable)
        {
            string Name(string? best) => best ?? "no concept";
            return BestA == BestB
                ? $"best concept on both halves is {Name(BestA)}, not {label} ({halves})"
                : $"best concept differs between halves: {Name(BestA)} vs {Name(BestB)} (half A vs half B of the images)";
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
