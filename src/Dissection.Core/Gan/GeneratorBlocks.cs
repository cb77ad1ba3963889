// Running a generator block by block: capture several blocks' outputs in one pass (generator dissection), or run only
// the blocks before or after one layer (LayerFeatures: features once, edits many). One place for the block order and
// for the "unknown layer" message.
using Dissection.Core.Models;
using static TorchSharp.torch;

namespace Dissection.Core.Gan;

public static class GeneratorBlocks
{
    /// <summary>The blocks in forward order (layer1…layerN, output_RxR): registration order is forward order.</summary>
    public static IReadOnlyList<(string Name, nn.Module<Tensor, Tensor> Block)> Of(ProgressiveGenerator g) =>
        g.named_children().Select(c => (c.name, (nn.Module<Tensor, Tensor>)c.module)).ToList();

    /// <summary>Position of a block by name.</summary>
    /// <exception cref="ArgumentException">no such block; the message lists the generator's layers.</exception>
    public static int IndexOf(ProgressiveGenerator g, string layer)
    {
        var names = g.Layout.BlockNames;
        for (var i = 0; i < names.Count; i++)
            if (string.Equals(names[i], layer, StringComparison.Ordinal)) return i;
        throw new ArgumentException($"'{layer}' is not a layer of this generator; its layers are {string.Join(", ", names)}");
    }

    /// <summary>z (N,Z) as the (N,Z,1,1) input of the first block.</summary>
    public static Tensor Input(ProgressiveGenerator g, Tensor z)
    {
        if (z.dim() != 2 || z.shape[1] != g.ZDim)
            throw new ArgumentException($"latents must be (N,{g.ZDim}), got ({string.Join(",", z.shape)})");
        return z.to_type(ScalarType.Float32).view(z.shape[0], z.shape[1], 1, 1);
    }

    /// <summary>Runs blocks first…last (inclusive) on x; no gradients.</summary>
    public static Tensor Run(ProgressiveGenerator g, Tensor x, int first, int last)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var blocks = Of(g);
        for (var i = first; i <= last; i++) x = blocks[i].Block.call(x);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>One pass from z, stopping after the deepest requested layer; returns layer → (N,U,h,w) block output.
    /// The caller owns (disposes) the returned tensors.</summary>
    public static Dictionary<string, Tensor> Capture(ProgressiveGenerator g, Tensor z, IReadOnlyList<string> layers)
    {
        var wanted = layers.ToDictionary(l => IndexOf(g, l), l => l);
        var last = wanted.Keys.Max();
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var blocks = Of(g);
        var x = Input(g, z);
        for (var i = 0; i <= last; i++)
        {
            x = blocks[i].Block.call(x);
            if (wanted.TryGetValue(i, out var name)) result[name] = x.alias().DetachFromDisposeScope();
        }
        return result;
    }
}
