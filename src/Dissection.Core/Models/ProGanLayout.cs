// The shape of a Progressive GAN generator: latent size, the output channels of every block, and the image resolution.
// Always read from a checkpoint (ProGanCheckpoint.InferLayout), never from a table: the reference's hard-coded channel
// table disagrees with the published weights.
namespace Dissection.Core.Models;

/// <param name="ZDim">Latent size: in-channels of layer1.</param>
/// <param name="Channels">Output channels of layer1…layerN, in order. N is even: layer1 (z→4×4), layer2 (4×4), then one
/// (upscale conv, conv) pair per doubling.</param>
public sealed record ProGanLayout(int ZDim, IReadOnlyList<int> Channels)
{
    public int LayerCount => Channels.Count;

    /// <summary>4 px after layer2, doubled by every following pair.</summary>
    public int Resolution => 4 << ((LayerCount - 2) / 2);

    public string OutputName => $"output_{Resolution}x{Resolution}";

    /// <summary>Block names in forward order: layer1…layerN, output_RxR (the dissection layer names).</summary>
    public IReadOnlyList<string> BlockNames =>
        [.. Enumerable.Range(1, LayerCount).Select(i => $"layer{i}"), OutputName];

    /// <summary>Spatial side of a block's output.</summary>
    public int SizeOf(int layerNumber) => 4 << (layerNumber - 1) / 2;

    /// <summary>Karras et al.'s LSUN 256-px generator as published for GAN dissection: z 512; 512 channels up to 32 px,
    /// then 256, 128, 64. Only a default for building without a checkpoint; loading always sizes from the file.</summary>
    public static ProGanLayout Published256 => PerResolution(512, [512, 512, 512, 512, 256, 128, 64]);

    /// <summary>A layout with one width per resolution, e.g. Uniform(512, [512,512,512,512,256,128,64]) for 4…256 px.</summary>
    public static ProGanLayout PerResolution(int zDim, IReadOnlyList<int> widthPerResolution)
    {
        if (widthPerResolution.Count == 0) throw new ArgumentException("need at least the 4x4 width");
        var channels = new List<int>();
        foreach (var w in widthPerResolution) { channels.Add(w); channels.Add(w); }
        return new ProGanLayout(zDim, channels);
    }

    public void Validate()
    {
        if (ZDim <= 0) throw new ArgumentException($"latent size must be positive, got {ZDim}");
        if (LayerCount < 2 || LayerCount % 2 != 0)
            throw new ArgumentException($"a progressive generator has an even number (>= 2) of layers, got {LayerCount}");
        if (Channels.Any(c => c <= 0)) throw new ArgumentException("channel counts must be positive");
    }
}
