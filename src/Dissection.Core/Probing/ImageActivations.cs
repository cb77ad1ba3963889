// One layer's activations on one image, with the model's class probabilities when it is a classifier: plain arrays,
// so pages and renderers can use them without tensors.
namespace Dissection.Core.Probing;

/// <param name="Values">Row-major (Units, Height, Width) activations.</param>
/// <param name="Probabilities">Softmax of the model's output for a classifier, else null.</param>
public sealed record ImageActivations(string Layer, int Units, int Height, int Width, float[] Values, float[]? Probabilities)
{
    /// <summary>One unit's h x w map.</summary>
    public ReadOnlySpan<float> Map(int unit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(unit);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(unit, Units);
        return Values.AsSpan(unit * Height * Width, Height * Width);
    }

    /// <summary>Each unit's largest activation on the image.</summary>
    public float[] Peaks()
    {
        var peaks = new float[Units];
        for (var u = 0; u < Units; u++)
        {
            var max = float.NegativeInfinity;
            foreach (var v in Map(u)) if (v > max) max = v;
            peaks[u] = max;
        }
        return peaks;
    }

    /// <summary>The <paramref name="count"/> units with the highest peak relative to their threshold, strongest first.
    /// Units without a usable threshold (missing, zero, negative or not finite) cannot be compared and are skipped.</summary>
    public IReadOnlyList<UnitActivity> MostActive(IReadOnlyDictionary<int, float> thresholds, int count)
    {
        var peaks = Peaks();
        return thresholds.Where(t => t.Key >= 0 && t.Key < Units && float.IsFinite(t.Value) && t.Value > 0)
            .Select(t => new UnitActivity(t.Key, peaks[t.Key], t.Value, peaks[t.Key] / t.Value))
            .OrderByDescending(a => a.Ratio).ThenBy(a => a.Unit)
            .Take(Math.Max(0, count))
            .ToList();
    }

    /// <summary>The <paramref name="count"/> most probable classes, best first (empty for a model that is not a classifier).</summary>
    public IReadOnlyList<(int Class, float Probability)> TopClasses(int count) =>
        Probabilities is null ? []
            : Probabilities.Select((p, i) => (Class: i, Probability: p)).OrderByDescending(c => c.Probability).ThenBy(c => c.Class)
                .Take(Math.Max(0, count)).ToList();
}
