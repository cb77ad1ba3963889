// The discriminator used to train the demo generator: a slimmed mirror of ProGAN's, grown with it. fromRGB (1×1) at the
// current resolution (one per resolution, for progressive growing), then per resolution one 3×3 conv and a 2× average pool down to 4×4 (ProGAN has two convs per resolution; on shared
// CPU cores the discriminator's full-resolution convs cost as much as the whole generator, so one had to go), a
// minibatch standard-deviation channel (so the generator is punished for producing the same scene every time), a 3×3
// conv at 4×4 and two dense layers to one logit. While a resolution fades in, the new fromRGB+conv path is blended with
// the previous resolution's fromRGB on the 2×-pooled image, as in ProGAN.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dissection.Core.Training;

internal sealed class GanDiscriminator : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<EqualizedConv2d> from_rgb = new();
    private readonly ModuleList<EqualizedConv2d> convs = new();
    private readonly EqualizedConv2d final_conv;
    private readonly EqualizedLinear dense, logit;

    /// <param name="widths">Channels per resolution from the image resolution down to 4×4, e.g. [16,32,64,128,128] at 64 px.</param>
    public GanDiscriminator(int resolution, IReadOnlyList<int> widths, long seed) : base(nameof(GanDiscriminator))
    {
        if (4 << (widths.Count - 1) != resolution)
            throw new ArgumentException($"{widths.Count} widths cover {4 << (widths.Count - 1)} px, not {resolution}");
        Resolution = resolution;
        using var g = new Generator((ulong)seed);
        // At resolution i the conv maps the previous width to width i, so channels grow only after a pool (cheap). The
        // fromRGB entering at resolution i gives that conv's input width (at 4×4: the final conv's, before the std channel).
        var prev = widths[0];
        for (var i = 0; i + 1 < widths.Count; i++)
        {
            from_rgb.Add(new EqualizedConv2d(3, prev, 1, g));
            convs.Add(new EqualizedConv2d(prev, widths[i], 3, g));
            prev = widths[i];
        }
        from_rgb.Add(new EqualizedConv2d(3, prev, 1, g));
        MaxLevel = widths.Count - 1;
        var w = widths[^1];
        final_conv = new EqualizedConv2d(prev + 1, w, 3, g);
        dense = new EqualizedLinear(w * 16, w, g);
        logit = new EqualizedLinear(w, 1, g, gain: 1);
        RegisterComponents();
    }

    public int Resolution { get; }
    public int MaxLevel { get; }

    /// <summary>(N,3,R,R) in [-1,1] → (N) real/fake logits.</summary>
    public override Tensor forward(Tensor x) => Forward(x, MaxLevel, 1.0);

    /// <summary>(N,3,4·2^level,…) → (N) logits at a growth level, the new level's path weighted by alpha.</summary>
    public Tensor Forward(Tensor x, int level, double alpha)
    {
        using var scope = NewDisposeScope();
        var first = MaxLevel - level;                   // index of the conv at the input's resolution
        var h = Act(from_rgb[first].call(x));
        if (level > 0)
        {
            h = nn.functional.avg_pool2d(Act(convs[first].call(h)), 2);
            if (alpha < 1)
            {
                var old = Act(from_rgb[first + 1].call(nn.functional.avg_pool2d(x, 2)));
                h = old + (h - old) * alpha;
            }
        }
        for (var i = first + 1; i < convs.Count; i++) h = nn.functional.avg_pool2d(Act(convs[i].call(h)), 2);
        h = Act(final_conv.call(MinibatchStdDev(h)));
        h = Act(dense.call(h.flatten(1)));
        return logit.call(h).squeeze(1).MoveToOuterDisposeScope();
    }

    /// <summary>Appends one channel holding the mean over features of the per-feature std within groups of up to 4 images.</summary>
    internal static Tensor MinibatchStdDev(Tensor h)
    {
        using var scope = NewDisposeScope();
        var n = h.shape[0];
        var group = Math.Min(4, n);
        while (n % group != 0) group--;
        var y = h.view(group, n / group, h.shape[1], h.shape[2], h.shape[3]);
        y = (y - y.mean([0], keepdim: true)).pow(2).mean([0]);
        y = (y + 1e-8).sqrt().mean([1, 2, 3], keepdim: true);          // (n/group,1,1,1)
        y = y.repeat(group, 1, h.shape[2], h.shape[3]);                  // (n,1,H,W), image i gets group i % (n/group)
        return cat([h, y], 1).MoveToOuterDisposeScope();
    }

    private static Tensor Act(Tensor x) => nn.functional.leaky_relu(x, 0.2);
}
