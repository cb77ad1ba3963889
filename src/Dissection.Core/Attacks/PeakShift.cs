// How an attack moved each unit's peak activation on one image: clean peak, adversarial peak, and the difference.
namespace Dissection.Core.Attacks;

public sealed record PeakShift(float[] Clean, float[] Adversarial)
{
    public int Units => Clean.Length;

    /// <summary>Adversarial minus clean peak of one unit (positive = the attack raised it).</summary>
    public float Delta(int unit) => Adversarial[unit] - Clean[unit];

    public float[] Deltas() => Enumerable.Range(0, Units).Select(Delta).ToArray();

    /// <summary>The k units whose peak moved most (by |Δ|), largest first; ties go to the lower unit number.</summary>
    public IReadOnlyList<int> MostChanged(int k) =>
        Enumerable.Range(0, Units).OrderByDescending(u => Math.Abs(Delta(u))).ThenBy(u => u).Take(Math.Max(0, k)).ToList();
}
