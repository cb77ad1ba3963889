// Resolving a generator from the command line / dashboard: "proggan:PATH" or a bare .pth path.
namespace Dissection.Core.Models;

public static class GeneratorSpec
{
    public const string Arch = "proggan";

    /// <summary>Nominal: a generator's input is a latent, not an image. Its images are in [-1,1]: mean 0.5, std 0.5 maps
    /// [0,1] pictures onto that range, which is what an encoder-side tool would need.</summary>
    public static readonly Models.Preprocessing Preprocessing = new(256, [0.5f, 0.5f, 0.5f], [0.5f, 0.5f, 0.5f]);

    /// <summary>"proggan:PATH" through the model registry (so it is the same model the dashboard and dissection load),
    /// or a bare PATH taken as a ProGAN checkpoint.</summary>
    /// <exception cref="ArgumentException">the spec names an architecture that is not a generator.</exception>
    public static ProgressiveGenerator Load(string spec)
    {
        var colon = spec.IndexOf(':');
        if (colon <= 0 || File.Exists(spec)) return ProgressiveGenerator.Load(spec);
        var parsed = Models.ModelSpec.Parse(spec);
        if (parsed.Checkpoint is null) throw new ArgumentException($"'{spec}': a generator needs a checkpoint path ({Arch}:PATH.pth)");
        var loaded = Models.ModelRegistry.Load(parsed, new Models.ModelOptions(Device: "cpu"));
        if (loaded.Module is ProgressiveGenerator g) return g;
        loaded.Dispose();
        throw new ArgumentException($"'{spec}': '{parsed.Arch}' is not a generator; use {Arch}:PATH.pth");
    }
}
