// The world's segmenter: a small U-Net-shaped, fully convolutional network with one head per labelled category
// (object, part, material), trained on the world's exact labels. The heads predict at half resolution and the logits
// are upsampled bilinearly: a full-resolution decoder stage would double the cost on shared CPU cores for little gain. Colour is not learnt: it is named from the pixels with
// the world's own rule (block-average RGB, nearest of 11 reference colours), so it is exact on world images.
// Head outputs map to the dataset's label numbers through `labels_<category>` buffers stored with the weights, so a
// checkpoint is self-describing and loads without the dataset.
using Dissection.Core.World;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Dissection.Core.Models;

public sealed class WorldSegmenter : nn.Module<Tensor, Tensor>, ISegmenter
{
    /// <summary>Learnt heads in output order; colour comes last and is computed.</summary>
    public static readonly IReadOnlyList<string> HeadCategories = ["object", "part", "material"];
    internal static readonly int[] Widths = [16, 32, 64, 128];

    private readonly Sequential enc1, enc2, enc3, enc4, dec3, dec2;
    private readonly Conv2d head_object, head_part, head_material;
    private readonly Tensor labels_object, labels_part, labels_material;

    /// <param name="labelNumbers">Per head (object, part, material): label number of each output channel; channel 0 must be 0 ("none").</param>
    public WorldSegmenter(IReadOnlyList<IReadOnlyList<int>> labelNumbers) : base(nameof(WorldSegmenter))
    {
        if (labelNumbers.Count != HeadCategories.Count) throw new ArgumentException($"need label numbers for {HeadCategories.Count} heads");
        foreach (var l in labelNumbers)
            if (l.Count < 1 || l[0] != 0) throw new ArgumentException("each head's channel 0 must be label 0 (none)");
        int w1 = Widths[0], w2 = Widths[1], w3 = Widths[2], w4 = Widths[3];
        enc1 = Block(3, w1, 1);
        enc2 = Block(w1, w2, 2);
        enc3 = Block(w2, w3, 2);
        enc4 = Block(w3, w4, 2);
        dec3 = Block(w4 + w3, w3, 1, convs: 1);
        dec2 = Block(w3 + w2, w2, 1, convs: 1);
        head_object = nn.Conv2d(w2, labelNumbers[0].Count, 1);
        head_part = nn.Conv2d(w2, labelNumbers[1].Count, 1);
        head_material = nn.Conv2d(w2, labelNumbers[2].Count, 1);
        labels_object = tensor(labelNumbers[0].Select(v => (long)v).ToArray());
        labels_part = tensor(labelNumbers[1].Select(v => (long)v).ToArray());
        labels_material = tensor(labelNumbers[2].Select(v => (long)v).ToArray());
        RegisterComponents();
    }

    public IReadOnlyList<string> PlaneCategories { get; } = ["object", "part", "material", "color"];

    /// <summary>Label numbers of each head's output channels (object, part, material).</summary>
    public IReadOnlyList<long[]> HeadLabels => [labels_object.data<long>().ToArray(), labels_part.data<long>().ToArray(), labels_material.data<long>().ToArray()];

    /// <summary>Input: (N,3,H,W) in [0,1], H and W multiples of 8. Output: the concatenated head logits (N, ΣK, H, W).</summary>
    public override Tensor forward(Tensor images01)
    {
        using var scope = NewDisposeScope();
        var (o, p, m) = Logits(images01);
        return cat([o, p, m], 1).MoveToOuterDisposeScope();
    }

    /// <summary>Logits of each head (object, part, material), each (N,K,H,W).</summary>
    public (Tensor Object, Tensor Part, Tensor Material) Logits(Tensor images01)
    {
        if (images01.dim() != 4 || images01.shape[1] != 3 || images01.shape[2] % 8 != 0 || images01.shape[3] % 8 != 0)
            throw new ArgumentException($"segmenter input must be (N,3,H,W) with H,W multiples of 8, got ({string.Join(",", images01.shape)})");
        using var scope = NewDisposeScope();
        var x = (images01 - 0.5f) * 4f;
        var e1 = enc1.call(x);
        var e2 = enc2.call(e1);
        var e3 = enc3.call(e2);
        var e4 = enc4.call(e3);
        var d3 = dec3.call(cat([Up(e4), e3], 1));
        var d2 = dec2.call(cat([Up(d3), e2], 1));
        var o = Smooth(head_object.call(d2)).MoveToOuterDisposeScope();
        var p = Smooth(head_part.call(d2)).MoveToOuterDisposeScope();
        var m = Smooth(head_material.call(d2)).MoveToOuterDisposeScope();
        return (o, p, m);
    }

    public Tensor SegmentPlanes(Tensor images01)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (o, p, m) = Logits(images01);
        var planes = stack([
            labels_object.to(o.device)[o.argmax(1)],
            labels_part.to(o.device)[p.argmax(1)],
            labels_material.to(o.device)[m.argmax(1)],
            ColorPlane(images01, (int)images01.shape[2]),
        ], 1);
        return planes.MoveToOuterDisposeScope();
    }

    /// <summary>The world's colour rule on a batch: mean 8-bit RGB of each (H/seg)² block (integer division, as the world
    /// does), named by the world's own ColorNaming so the two never drift apart.</summary>
    public static Tensor ColorPlane(Tensor images01, int segSize)
    {
        int n = (int)images01.shape[0], h = (int)images01.shape[2], w = (int)images01.shape[3];
        var f = h / segSize;
        int sh = h / f, sw = w / f;
        int[] sums;
        using (NewDisposeScope())
        {
            var bytes = (images01.detach().to(CPU) * 255f).round().clamp(0, 255);
            var summed = f > 1 ? nn.functional.avg_pool2d(bytes, f) * (f * f) : bytes;
            sums = summed.round().to_type(ScalarType.Int32).contiguous().data<int>().ToArray();
        }
        var plane = sh * sw;
        var labels = new long[n * plane];
        var count = f * f;
        for (var i = 0; i < n; i++)
        for (var p = 0; p < plane; p++)
        {
            var b = i * 3 * plane + p;
            labels[i * plane + p] = ColorNaming.Nearest(sums[b] / count, sums[b + plane] / count, sums[b + 2 * plane] / count);
        }
        return tensor(labels, [n, sh, sw]).to(images01.device);
    }

    /// <summary>Loads a segmenter saved by SaveWeights (PyTorch state-dict format); head sizes come from the label buffers.</summary>
    public static WorldSegmenter Load(string path)
    {
        var sd = CheckpointReader.Read(path);
        try
        {
            var labels = HeadCategories.Select(c => sd.TryGetValue($"labels_{c}", out var t)
                ? (IReadOnlyList<int>)t.to_type(ScalarType.Int64).data<long>().Select(v => (int)v).ToArray()
                : throw new InvalidDataException($"{path}: missing key labels_{c}; not a world segmenter")).ToList();
            var model = new WorldSegmenter(labels);
            try { ModelRegistry.LoadStrict(model, sd, path, "world-segmenter"); }
            catch { model.Dispose(); throw; }
            model.eval();
            return model;
        }
        finally { foreach (var t in sd.Values) t.Dispose(); }
    }

    public void SaveWeights(string path) => this.save_py(path);

    private static Sequential Block(int inCh, int outCh, int stride, int convs = 2)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        if (stride > 1) layers.Add(("pool", nn.MaxPool2d(stride)));
        for (var i = 1; i <= convs; i++)
        {
            layers.Add(($"conv{i}", nn.Conv2d(i == 1 ? inCh : outCh, outCh, 3, padding: 1, bias: false)));
            layers.Add(($"bn{i}", nn.BatchNorm2d(outCh)));
            layers.Add(($"relu{i}", nn.ReLU()));
        }
        return nn.Sequential(layers);
    }

    private static Tensor Smooth(Tensor halfResolutionLogits) =>
        nn.functional.interpolate(halfResolutionLogits, scale_factor: [2.0, 2.0], mode: InterpolationMode.Bilinear, align_corners: false);

    private static Tensor Up(Tensor x) => nn.functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);
}
