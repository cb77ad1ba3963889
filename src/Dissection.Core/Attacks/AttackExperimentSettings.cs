// What the batch experiment attacks: which layer it watches, the target class, the attack, and how many images.
namespace Dissection.Core.Attacks;

/// <param name="Count">Images to attack (the reference used 1,000 per target; 200 keeps a CPU run to minutes).</param>
/// <param name="Split">Dataset split to draw images from ("val"); every image when the dataset has no such split.</param>
/// <param name="BatchSize">Images attacked together (memory vs. speed only; results do not depend on it beyond rounding).</param>
public sealed record AttackExperimentSettings(string Layer, int Target, AttackSettings Attack, int Count = 200,
    string Split = "val", int BatchSize = 8)
{
    public const int MaxCount = 100_000;

    /// <exception cref="ArgumentException">a setting is out of range.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Layer)) throw new ArgumentException("no layer was given");
        if (Count < 1 || Count > MaxCount) throw new ArgumentException($"count must be within 1..{MaxCount}, got {Count}");
        if (BatchSize < 1 || BatchSize > 1024) throw new ArgumentException($"batch size must be within 1..1024, got {BatchSize}");
        ArgumentNullException.ThrowIfNull(Attack);
    }
}
