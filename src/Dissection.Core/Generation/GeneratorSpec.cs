// Resolving a generator from the command line / dashboard: "proggan:PATH" or a bare .pth path.
namespace Dissection.Core.Generation;

public static class GeneratorSpec
{
    public const string Arch = "proggan";

    /// <exception cref="ArgumentException">the spec names another architecture.</exception>
    public static ProgressiveGenerator Load(string spec)
    {
        var colon = spec.IndexOf(':');
        var (arch, path) = colon > 0 ? (spec[..colon], spec[(colon + 1)..]) : (Arch, spec);
        if (arch != Arch) throw new ArgumentException($"'{spec}': only '{Arch}:PATH' generators can be sampled, not '{arch}'");
        if (path.Length == 0) throw new ArgumentException($"'{spec}': a generator needs a checkpoint path ({Arch}:PATH.pth)");
        return ProgressiveGenerator.Load(path);
    }
}
