// "Head once, tail many": a generator's features at one layer for some latents, computed once, then re-rendered under
// any number of unit edits by running only the blocks after that layer. The playground keeps one per sample it shows;
// the causal experiments keep one per batch. Rendering with no edits gives exactly the unedited image.
using Dissection.Core.Models;
using static TorchSharp.torch;

namespace Dissection.Core.Gan;

public sealed class LayerFeatures : IDisposable
{
    private readonly ProgressiveGenerator _generator;
    private readonly int _index;

    private LayerFeatures(ProgressiveGenerator generator, string layer, int index, Tensor features)
    {
        _generator = generator;
        _index = index;
        Layer = layer;
        Features = features;
    }

    public string Layer { get; }
    /// <summary>The layer's output (N,U,h,w) for the latents, no gradients. Owned by this object.</summary>
    public Tensor Features { get; }
    public int Count => (int)Features.shape[0];
    public int Units => (int)Features.shape[1];
    /// <summary>The layer's spatial side: the grid a painted mask is max-pooled to (UnitEdit.RegionAt(mask, Size)).</summary>
    public int Size => (int)Features.shape[2];

    /// <summary>Runs the blocks up to and including <paramref name="layer"/> on z (N,Z).</summary>
    /// <exception cref="ArgumentException">an unknown layer (the message lists the layers) or latents of the wrong size.</exception>
    public static LayerFeatures Compute(ProgressiveGenerator generator, Tensor z, string layer)
    {
        var index = GeneratorBlocks.IndexOf(generator, layer);
        if (index == generator.Layout.LayerCount)
            throw new ArgumentException($"'{layer}' is the output block; edit one of layer1…layer{generator.Layout.LayerCount}");
        using var scope = NewDisposeScope();
        var features = GeneratorBlocks.Run(generator, GeneratorBlocks.Input(generator, z), 0, index);
        return new LayerFeatures(generator, layer, index, features.MoveToOuterDisposeScope());
    }

    /// <summary>The generator output (N,3,R,R) with the edits applied to this layer; all edits must name this layer.
    /// The caller disposes the result.</summary>
    /// <exception cref="ArgumentException">an edit on another layer, a unit out of range or a region of the wrong size.</exception>
    public Tensor Render(IReadOnlyList<UnitEdit> edits)
    {
        foreach (var e in edits)
            if (!string.Equals(e.Layer, Layer, StringComparison.Ordinal))
                throw new ArgumentException($"an edit names layer '{e.Layer}', but these features are of '{Layer}'");
        if (edits.Count == 0) return Tail(Features);
        using var scope = NewDisposeScope();
        return Tail(GeneratorIntervention.Apply(Features, edits)).MoveToOuterDisposeScope();
    }

    /// <summary>The generator output for (edited) features of this layer's shape (any batch size).</summary>
    public Tensor Tail(Tensor features)
    {
        if (features.dim() != 4 || features.shape[1] != Units || features.shape[2] != Size || features.shape[3] != Features.shape[3])
            throw new ArgumentException($"features must be (N,{Units},{Size},{Features.shape[3]}), got ({string.Join(",", features.shape)})");
        return GeneratorBlocks.Run(_generator, features, _index + 1, _generator.Layout.LayerCount);
    }

    public void Dispose() => Features.Dispose();
}
