// The budget and schedule of one targeted attack: norm, ε, step size, iterations, random start and its seed.
using System.Globalization;

namespace Dissection.Core.Attacks;

/// <param name="Epsilon">Largest perturbation allowed, in [0,1] pixel units (L∞: per value; L2: whole image).</param>
/// <param name="Steps">Most gradient steps (0 = no attack).</param>
/// <param name="StepSize">Step length per iteration; null = 2.5·ε/steps, the usual PGD choice that can cross the
/// ball in fewer than half the steps and still settle on its surface.</param>
/// <param name="RandomStart">Start from a uniformly random point in the ball instead of the clean image.</param>
/// <param name="Seed">Seeds the random start, so one seed always gives the same adversarial image.</param>
/// <param name="EarlyStop">Stop updating an image as soon as the target is its top prediction.</param>
public sealed record AttackSettings(double Epsilon, int Steps = 20, double? StepSize = null, AttackNorm Norm = AttackNorm.Linf,
    bool RandomStart = false, long Seed = 0, bool EarlyStop = true)
{
    public const int MaxSteps = 10_000;

    public double EffectiveStepSize => StepSize ?? (Steps > 0 ? 2.5 * Epsilon / Steps : 0);

    /// <summary>Checks the settings for images of <paramref name="values"/> pixel values (3·H·W).</summary>
    /// <exception cref="ArgumentException">names the setting that is out of range and the range.</exception>
    public void Validate(long values)
    {
        if (!double.IsFinite(Epsilon) || Epsilon < 0)
            throw new ArgumentException($"ε must be a finite number ≥ 0, got {Format(Epsilon)}");
        if (Norm == AttackNorm.Linf && Epsilon > 1)
            throw new ArgumentException($"an L∞ ε is a change per pixel value in [0,1] units, so it must be within [0, 1] " +
                                        $"(e.g. 8/255 = {8 / 255.0:0.####}), got {Format(Epsilon)}");
        var l2Max = Math.Sqrt(values);
        if (Norm == AttackNorm.L2 && Epsilon > l2Max)
            throw new ArgumentException($"an L2 ε larger than √(3·H·W) = {l2Max:0.##} (the distance between a black and a " +
                                        $"white image) allows any image; got {Format(Epsilon)}");
        if (!Enum.IsDefined(Norm)) throw new ArgumentException($"unknown norm {Norm}");
        if (Steps < 0 || Steps > MaxSteps) throw new ArgumentException($"steps must be within 0..{MaxSteps}, got {Steps}");
        if (StepSize is { } a && (!double.IsFinite(a) || a < 0))
            throw new ArgumentException($"step size must be a finite number ≥ 0, got {Format(a)}");
    }

    /// <summary>"linf" or "l2", as the CLI, the store and permalinks write the norm.</summary>
    public static string NormName(AttackNorm norm) => norm switch
    {
        AttackNorm.Linf => "linf",
        AttackNorm.L2 => "l2",
        _ => throw new ArgumentOutOfRangeException(nameof(norm), norm, "unknown norm"),
    };

    /// <exception cref="ArgumentException">not linf or l2.</exception>
    public static AttackNorm ParseNorm(string text) => text.Trim().ToLowerInvariant() switch
    {
        "linf" or "l_inf" or "inf" or "l∞" => AttackNorm.Linf,
        "l2" => AttackNorm.L2,
        _ => throw new ArgumentException($"norm must be linf or l2, got '{text}'"),
    };

    /// <summary>Reads a budget written as a number ("0.0157") or a fraction ("4/255"), the way budgets are quoted.</summary>
    /// <exception cref="ArgumentException">not a number or fraction, or division by zero.</exception>
    public static double ParseAmount(string text)
    {
        var t = (text ?? "").Trim();
        var slash = t.IndexOf('/');
        if (slash < 0)
            return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                ? v : throw new ArgumentException($"'{text}' is not a number (write e.g. 0.0157 or 4/255)");
        if (!double.TryParse(t[..slash], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ||
            !double.TryParse(t[(slash + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            throw new ArgumentException($"'{text}' is not a fraction (write e.g. 4/255)");
        if (d == 0) throw new ArgumentException($"'{text}' divides by zero");
        return n / d;
    }

    private static string Format(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
