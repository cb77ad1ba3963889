// One intervention on a generator layer (GAN dissection's nethook edit): inside a region, selected units are blended
// towards a value — 0 to remove what they draw, a high activation (e.g. the unit's 0.99 quantile) to insert it.
using static TorchSharp.torch;

namespace Dissection.Core.Gan;

/// <param name="Layer">Block name, e.g. "layer4".</param>
/// <param name="Units">Channels of that block's output to edit.</param>
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
}
