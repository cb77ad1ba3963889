// Runs a generator with unit edits applied by forward hooks on the named blocks: out = x·(1−α) + r·α per edited unit,
// α the region weight, r the target value (the reference's nethook semantics). Hooks are removed afterwards, so the
// generator is unchanged for the next caller.
using Dissection.Core.Models;
using static TorchSharp.torch;

namespace Dissection.Core.Gan;

public static class GeneratorIntervention
{
    /// <summary>Generates from z (N,Z) with the edits applied; returns the (N,3,R,R) output.</summary>
    /// <exception cref="ArgumentException">an unknown layer, a unit out of range, or a region of the wrong size.</exception>
    public static Tensor Generate(ProgressiveGenerator generator, Tensor z, IReadOnlyList<UnitEdit> edits)
    {
        var blocks = generator.named_children().ToDictionary(c => c.name, c => c.module);
        var hooks = new List<Action>();
        try
        {
            foreach (var group in edits.GroupBy(e => e.Layer))
            {
                if (!blocks.TryGetValue(group.Key, out var block) || block is not nn.Module<Tensor, Tensor> m)
                    throw new ArgumentException($"'{group.Key}' is not a block of this generator; blocks: {string.Join(", ", blocks.Keys)}");
                var layerEdits = group.ToList();
                var handle = m.register_forward_hook((_, _, output) => Apply(output, layerEdits));
                hooks.Add(() => handle.remove());
            }
            using var _ = no_grad();
            return generator.call(z);
        }
        finally
        {
            foreach (var remove in hooks) remove();
        }
    }

    /// <summary>The edit on one block's output (N,U,h,w); exposed for tests and for editing cached activations.</summary>
    public static Tensor Apply(Tensor output, IReadOnlyList<UnitEdit> edits)
    {
        long units = output.shape[1], h = output.shape[2], w = output.shape[3];
        using var scope = NewDisposeScope();
        // Coverage α and premultiplied target P per (unit, y, x), composed edit after edit like paint strokes
        // (alpha-over): a later edit covers earlier ones where its region is 1 and lets them show through elsewhere.
        var alpha = zeros([units, h, w], device: output.device);
        var premultiplied = zeros([units, h, w], device: output.device);
        foreach (var e in edits)
        {
            if (e.Values is { } v && v.Count != e.Units.Count)
                throw new ArgumentException($"{e.Layer}: {e.Units.Count} units but {v.Count} values");
            var region = e.Region?.to(output.device).to_type(ScalarType.Float32) ?? ones([h, w], device: output.device);
            if (region.dim() != 2 || region.shape[0] != h || region.shape[1] != w)
                throw new ArgumentException($"{e.Layer}: region is ({string.Join(",", region.shape)}), the layer is {h}x{w}; use UnitEdit.RegionAt");
            for (var i = 0; i < e.Units.Count; i++)
            {
                var u = e.Units[i];
                if (u < 0 || u >= units) throw new ArgumentException($"{e.Layer}: unit {u} outside 0..{units - 1}");
                var r = e.Values?[i] ?? 0f;
                premultiplied[u] = premultiplied[u] * (1 - region) + region * r;
                alpha[u] = alpha[u] * (1 - region) + region;
            }
        }
        return Blend(output, alpha.unsqueeze(0), premultiplied.unsqueeze(0)).MoveToOuterDisposeScope();
    }

    /// <summary>The edit itself, x·(1−α) + α·r with α and the premultiplied target α·r broadcast against x: the one
    /// formula every edit path uses (strokes above, the experiments' batched per-cell and per-k edits).</summary>
    internal static Tensor Blend(Tensor x, Tensor alpha, Tensor premultipliedTarget)
    {
        using var scope = NewDisposeScope();
        return (x * (1 - alpha) + premultipliedTarget).MoveToOuterDisposeScope();
    }
}
