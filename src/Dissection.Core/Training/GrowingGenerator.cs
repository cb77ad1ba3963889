// The generator as progressive growing trains it: the shipped ProgressiveGenerator (its blocks and its final toRGB,
// `output_RxR`) plus one training-only toRGB per lower resolution. At level k it runs layer1…layer(2k+2) and that level's
// toRGB; while a level fades in, the previous level's image, upsampled, is blended with the new one. Only the inner
// generator is shipped, so the weights load as `proggan:PATH` like any ProGAN checkpoint.
using Dissection.Core.Gan;
using TorchSharp;
using TorchSharp.Modules;
using Dissection.Core.Models;
using static TorchSharp.torch;

namespace Dissection.Core.Training;

internal sealed class GrowingGenerator : nn.Module<Tensor, Tensor>
{
    private readonly ProgressiveGenerator generator;
    private readonly ModuleList<OutputConvBlock> to_rgb = new();
    // Plain arrays (not module fields) so RegisterComponents does not register the blocks a second time.
    private readonly nn.Module<Tensor, Tensor>[] _layers;
    private readonly nn.Module<Tensor, Tensor>[] _toRgb;

    public GrowingGenerator(ProGanLayout layout) : base(nameof(GrowingGenerator))
    {
        generator = new ProgressiveGenerator(layout);
        MaxLevel = layout.LayerCount / 2 - 1;
        for (var k = 0; k < MaxLevel; k++) to_rgb.Add(new OutputConvBlock(layout.Channels[2 * k + 1]));
        var children = generator.named_children().ToDictionary(c => c.name, c => (nn.Module<Tensor, Tensor>)c.module);
        _layers = Enumerable.Range(1, layout.LayerCount).Select(i => children[$"layer{i}"]).ToArray();
        _toRgb = [.. to_rgb, children[layout.OutputName]];
        RegisterComponents();
    }

    /// <summary>The shipped part.</summary>
    public ProgressiveGenerator Shipped => generator;
    public int MaxLevel { get; }

    public void InitialiseForTraining(long seed) => ProgressiveGenerator.InitialiseForTraining(this, seed);

    /// <summary>Full resolution, all layers: the shipped generator's output.</summary>
    public override Tensor forward(Tensor z) => Forward(z, MaxLevel, 1.0);

    /// <summary>(N,Z) → (N,3,4·2^level,…): the image at a growth level, fading from the previous level by alpha.</summary>
    public Tensor Forward(Tensor z, int level, double alpha)
    {
        using var scope = NewDisposeScope();
        var h = z.view(z.shape[0], z.shape[1], 1, 1);
        Tensor? previous = null;
        for (var i = 0; i < 2 * level + 2; i++)
        {
            if (i == 2 * level && alpha < 1) previous = h;
            h = _layers[i].call(h);
        }
        var rgb = ToRgb(level).call(h);
        if (previous is not null)
        {
            var old = nn.functional.interpolate(ToRgb(level - 1).call(previous), scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);
            rgb = old + (rgb - old) * alpha;
        }
        return rgb.MoveToOuterDisposeScope();
    }

    private nn.Module<Tensor, Tensor> ToRgb(int level) => _toRgb[level];
}
