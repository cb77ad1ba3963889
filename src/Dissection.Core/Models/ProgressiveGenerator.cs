// The Progressive GAN generator (Karras et al. 2018) as used by GAN dissection: named blocks layer1…layerN and
// output_RxR, run in order on z viewed as (N,Z,1,1). Key names match the published PyTorch checkpoints, so the
// same file loads here and in the reference code.
using TorchSharp;
using static TorchSharp.torch;

namespace Dissection.Core.Models;

public sealed class ProgressiveGenerator : nn.Module<Tensor, Tensor>
{
    private readonly List<nn.Module<Tensor, Tensor>> _blocks = [];

    public ProgressiveGenerator(ProGanLayout layout) : base(nameof(ProgressiveGenerator))
    {
        layout.Validate();
        Layout = layout;
        var inCh = layout.ZDim;
        for (var i = 0; i < layout.LayerCount; i++)
        {
            var outCh = layout.Channels[i];
            nn.Module<Tensor, Tensor> block = i switch
            {
                0 => new NormConvBlock(inCh, outCh, kernel: 4, padding: 3),
                _ when i % 2 == 0 => new NormConvBlock(inCh, outCh, kernel: 3, padding: 1, upscale: true),
                _ => new NormConvBlock(inCh, outCh, kernel: 3, padding: 1),
            };
            Add($"layer{i + 1}", block);
            inCh = outCh;
        }
        Add(layout.OutputName, new OutputConvBlock(inCh));
        InitialiseForTraining(seed: 0);
    }

    public ProGanLayout Layout { get; }
    public int ZDim => Layout.ZDim;
    public int Resolution => Layout.Resolution;

    public override Tensor forward(Tensor z)
    {
        using var scope = NewDisposeScope();
        var x = z.dim() switch
        {
            2 => z.view(z.shape[0], z.shape[1], 1, 1),
            4 => z,
            _ => throw new ArgumentException($"z must be (N,{ZDim}) or (N,{ZDim},1,1), got ({string.Join(",", z.shape)})"),
        };
        if (x.shape[1] != ZDim) throw new ArgumentException($"z has {x.shape[1]} channels, the generator expects {ZDim}");
        foreach (var block in _blocks) x = block.call(x);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Equalised-LR initialisation: unit-normal conv weights (WScale applies He's constant), zero biases.</summary>
    public void InitialiseForTraining(long seed) => InitialiseForTraining(this, seed);

    /// <summary>The same rule for any module built from ProGAN blocks (the training-time growing generator).</summary>
    internal static void InitialiseForTraining(nn.Module module, long seed)
    {
        using var _ = no_grad();
        var g = new Generator((ulong)seed);
        foreach (var (name, p) in module.named_parameters())
        {
            if (name.EndsWith(".conv.weight", StringComparison.Ordinal)) p.copy_(randn(p.shape, generator: g));
            else p.zero_();
        }
    }

    /// <summary>Loads a PyTorch state-dict file (.pth), sizing the network from its shapes; strict.</summary>
    /// <exception cref="InvalidDataException">the file is not a readable ProGAN generator checkpoint (says why).</exception>
    /// <exception cref="CheckpointMismatchException">keys or shapes do not fit the layout its conv weights imply.</exception>
    public static ProgressiveGenerator Load(string path) => ProGanCheckpoint.Load(path);

    private void Add(string name, nn.Module<Tensor, Tensor> block)
    {
        register_module(name, block);
        _blocks.Add(block);
    }
}
