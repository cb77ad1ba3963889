// A model as named on the command line: ARCH or ARCH:CHECKPOINT.
namespace Dissection.Core.Models;

public sealed record ModelSpec(string Arch, string? Checkpoint)
{
    /// <summary>Splits at the FIRST colon, so a checkpoint path may itself contain colons.</summary>
    /// <exception cref="ArgumentException">empty text, empty architecture or empty checkpoint after the colon.</exception>
    public static ModelSpec Parse(string text)
    {
        var t = text?.Trim() ?? "";
        if (t.Length == 0) throw new ArgumentException("model is empty; expected ARCH or ARCH:CHECKPOINT, e.g. resnet18:models/resnet18_places365.pth");
        var colon = t.IndexOf(':');
        if (colon < 0) return new ModelSpec(t, null);
        var arch = t[..colon].Trim();
        var checkpoint = t[(colon + 1)..].Trim();
        if (arch.Length == 0) throw new ArgumentException($"model '{t}' has no architecture before the ':'");
        if (checkpoint.Length == 0) throw new ArgumentException($"model '{t}' has an empty checkpoint path after the ':'");
        return new ModelSpec(arch, checkpoint);
    }

    public override string ToString() => Checkpoint is null ? Arch : $"{Arch}:{Checkpoint}";
}

/// <summary>Overrides from the command line or the dashboard; null keeps the model's own default.</summary>
/// <param name="Device">auto (CUDA when available, else CPU), cpu, cuda or cuda:N.</param>
public sealed record ModelOptions(string Device = "auto", int? InputSize = null, float[]? Mean = null, float[]? Std = null);
