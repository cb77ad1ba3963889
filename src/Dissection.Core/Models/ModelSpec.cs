// A model as named on the command line: ARCH or ARCH:CHECKPOINT.
namespace Dissection.Core.Models;

public sealed record ModelSpec(string Arch, string? Checkpoint)
{
    public static ModelSpec Parse(string text) => throw new NotImplementedException();
    public override string ToString() => Checkpoint is null ? Arch : $"{Arch}:{Checkpoint}";
}

/// <summary>Overrides from the command line or the dashboard; null keeps the model's own default.</summary>
public sealed record ModelOptions(string Device = "auto", int? InputSize = null, float[]? Mean = null, float[]? Std = null);
