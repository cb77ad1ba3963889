// One edit of a layer's units (nethook's edit_layer, GAN dissection's intervention): inside a region, selected units
// are blended towards a value — 0 to remove what they draw (ablation), a high activation (e.g. the unit's 0.99
// quantile) to insert it. out = x·(1−α) + α·r per edited unit, α the region weight, r the target value.
using static TorchSharp.torch;

namespace Dissection.Core.Instrumentation;

/// <param name="Layer">Layer name, e.g. "layer4".</param>
/// <param name="Units">Channels of that layer's output to edit.</param>
/// <param name="Region">(h,w) weights in [0,1] at the layer's resolution (see RegionAt); null = the whole map.</param>
/// <param name="Values">Target value per unit (same order as Units); null = 0 (ablation).</param>
public sealed record UnitEdit(string Layer, IReadOnlyList<int> Units, Tensor? Region = null, IReadOnlyList<float>? Values = null)
{
    /// <summary>A painted mask of any size (H,W), values in [0,1], reduced to the layer's (size,size) grid by max-pooling,
    /// like GANPaint: a cell is edited if any painted pixel falls in it.</summary>
    public static Tensor RegionAt(Tensor mask, int size)
    {
        if (mask.dim() != 2) throw new ArgumentException($"a region mask is (H,W), got ({string.Join(",", mask.shape)})");
        using var scope = NewDisposeScope();
        var pooled = nn.functional.adaptive_max_pool2d(mask.to_type(ScalarType.Float32).unsqueeze(0).unsqueeze(0), [size, size]);
        return pooled.squeeze(0).squeeze(0).clamp(0, 1).MoveToOuterDisposeScope();
    }

    /// <summary>The edits on one layer's output (N,U,h,w), composed edit after edit like paint strokes (alpha-over):
    /// a later edit covers earlier ones where its region is 1 and lets them show through elsewhere.</summary>
    /// <exception cref="ArgumentException">a unit out of range, values that do not match the units, or a region of
    /// the wrong size.</exception>
    public static Tensor Apply(Tensor output, IReadOnlyList<UnitEdit> edits)
    {
        using var scope = NewDisposeScope();
        var (alpha, premultiplied) = Compose(output.shape, output.device, edits);
        return Blend(output, alpha.unsqueeze(0), premultiplied.unsqueeze(0)).MoveToOuterDisposeScope();
    }

    /// <summary>Coverage α and premultiplied target α·r per (unit, y, x) for a layer of the given (N,U,h,w) shape:
    /// what Blend needs. Strokes that do not change can keep these and skip the composition.</summary>
    /// <param name="start">The composition of earlier edits to continue from (copied, not changed); null = none.</param>
    public static (Tensor Alpha, Tensor Premultiplied) Compose(long[] shape, Device device, IReadOnlyList<UnitEdit> edits,
        (Tensor Alpha, Tensor Premultiplied)? start = null)
    {
        long units = shape[1], h = shape[2], w = shape[3];
        using var scope = NewDisposeScope();
        var alpha = start?.Alpha.clone() ?? zeros([units, h, w], device: device);
        var premultiplied = start?.Premultiplied.clone() ?? zeros([units, h, w], device: device);
        foreach (var e in edits)
        {
            if (e.Values is { } v && v.Count != e.Units.Count)
                throw new ArgumentException($"{e.Layer}: {e.Units.Count} units but {v.Count} values");
            foreach (var u in e.Units)
                if (u < 0 || u >= units) throw new ArgumentException($"{e.Layer}: unit {u} outside 0..{units - 1}");
            var region = e.Region?.to(device).to_type(ScalarType.Float32) ?? ones([h, w], device: device);
            if (region.dim() != 2 || region.shape[0] != h || region.shape[1] != w)
                throw new ArgumentException($"{e.Layer}: region is ({string.Join(",", region.shape)}), the layer is {h}x{w}; use UnitEdit.RegionAt");
            if (e.Units.Count == 0) continue;
            if (e.Units.Distinct().Count() == e.Units.Count)
            {
                // All the edit's units at once: the same float operations per element as one unit at a time.
                var index = tensor(e.Units.Select(u => (long)u).ToArray(), device: device);
                var r = tensor(e.Values?.ToArray() ?? new float[e.Units.Count], device: device).view(-1, 1, 1);
                premultiplied.index_copy_(0, index, premultiplied.index_select(0, index) * (1 - region) + region * r);
                alpha.index_copy_(0, index, alpha.index_select(0, index) * (1 - region) + region);
            }
            else
            {
                // A unit listed twice: its later value wins where the region covers it, as in sequential strokes.
                for (var i = 0; i < e.Units.Count; i++)
                {
                    var u = e.Units[i];
                    var r = e.Values?[i] ?? 0f;
                    premultiplied[u] = premultiplied[u] * (1 - region) + region * r;
                    alpha[u] = alpha[u] * (1 - region) + region;
                }
            }
        }
        return (alpha.MoveToOuterDisposeScope(), premultiplied.MoveToOuterDisposeScope());
    }

    /// <summary>The edit itself, x·(1−α) + α·r with α and the premultiplied target α·r broadcast against x: the one
    /// formula every edit path uses (strokes above, the experiments' batched per-cell and per-k edits).</summary>
    public static Tensor Blend(Tensor x, Tensor alpha, Tensor premultipliedTarget)
    {
        using var scope = NewDisposeScope();
        return (x * (1 - alpha) + premultipliedTarget).MoveToOuterDisposeScope();
    }
}
