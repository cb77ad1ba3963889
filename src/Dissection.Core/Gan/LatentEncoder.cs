// The encoder of photo inversion (Bau et al., SIGGRAPH 2019): a small conv net from an image at the generator's
// resolution to the generator's latent z and to the edit layer's features (the units paint edits). Stride-2 convs
// halve the image down to the layer's side; the feature head reads that map, the latent head its global average.
// Inversion starts its per-image refinement from these features. Weights are a PyTorch state dict (save_py); a
// JSON sidecar (PATH.json) says which generator layer they predict, so loading needs no other file.
using System.Text.Json;
using Dissection.Core.Models;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Dissection.Core.Gan;

/// <summary>What an encoder predicts: the generator layer, its shape, and the latent size.</summary>
/// <param name="GeneratorSha256">Hash of the generator file it was trained against (empty when unknown).</param>
public sealed record EncoderShape(string Layer, int Resolution, int ZDim, int Channels, int Side, int Width = 64,
    string GeneratorSha256 = "", int TrainedSteps = 0)
{
    /// <summary>The shape an encoder for `layer` of this generator has.</summary>
    public static EncoderShape For(ProGanLayout layout, string layer, int width = 64)
    {
        var index = layout.BlockNames.ToList().IndexOf(layer);
        if (index < 0 || index >= layout.LayerCount)
            throw new ArgumentException($"'{layer}' is not an editable layer; layers: {string.Join(", ", layout.BlockNames.Take(layout.LayerCount))}");
        return new EncoderShape(layer, layout.Resolution, layout.ZDim, layout.Channels[index], layout.SizeOf(index + 1), width);
    }
}

public sealed class LatentEncoder : nn.Module<Tensor, (Tensor Z, Tensor Features)>
{
    private readonly Sequential trunk;
    private readonly Sequential features_head;
    private readonly Linear z_head;

    public LatentEncoder(EncoderShape shape) : base(nameof(LatentEncoder))
    {
        if (shape.Side < 1 || shape.Resolution % shape.Side != 0 || !int.IsPow2(shape.Resolution / shape.Side))
            throw new ArgumentException($"the layer's side {shape.Side} must divide the resolution {shape.Resolution} by a power of 2");
        Shape = shape;
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>
        {
            ("stem", nn.Conv2d(3, shape.Width / 2, 3, padding: 1)),
            ("stem_act", nn.LeakyReLU(0.2)),
        };
        var ch = shape.Width / 2;
        var down = 0;
        for (var size = shape.Resolution; size > shape.Side; size /= 2, down++)
        {
            var next = Math.Min(shape.Width * (1 << down), 256);
            layers.Add(($"down{down + 1}", nn.Conv2d(ch, next, 4, stride: 2, padding: 1)));
            layers.Add(($"act{down + 1}", nn.LeakyReLU(0.2)));
            layers.Add(($"conv{down + 1}", nn.Conv2d(next, next, 3, padding: 1)));
            layers.Add(($"act{down + 1}b", nn.LeakyReLU(0.2)));
            ch = next;
        }
        trunk = nn.Sequential(layers);
        features_head = nn.Sequential(
            ("conv1", nn.Conv2d(ch, ch, 3, padding: 1)), ("act1", nn.LeakyReLU(0.2)),
            ("conv2", nn.Conv2d(ch, shape.Channels, 1)));
        z_head = nn.Linear(ch, shape.ZDim);
        RegisterComponents();
    }

    public EncoderShape Shape { get; }

    /// <summary>(N,3,R,R) in the generator's [-1,1] range → z (N,Z) and the layer's features (N,C,s,s).</summary>
    public override (Tensor Z, Tensor Features) forward(Tensor images)
    {
        if (images.dim() != 4 || images.shape[1] != 3 || images.shape[2] != Shape.Resolution || images.shape[3] != Shape.Resolution)
            throw new ArgumentException($"the encoder takes (N,3,{Shape.Resolution},{Shape.Resolution}) images, got ({string.Join(",", images.shape)})");
        using var scope = NewDisposeScope();
        var h = trunk.call(images);
        var f = features_head.call(h);
        var z = z_head.call(h.mean([2, 3]));
        return (z.MoveToOuterDisposeScope(), f.MoveToOuterDisposeScope());
    }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static string SidecarPath(string weights) => weights + ".json";

    /// <summary>Writes the weights (PyTorch state dict) and the sidecar, each through a temporary file.</summary>
    public void Save(string path, EncoderShape? shape = null)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        this.save_py(path + ".tmp");
        File.Move(path + ".tmp", path, overwrite: true);
        File.WriteAllText(SidecarPath(path) + ".tmp", JsonSerializer.Serialize(shape ?? Shape, Json));
        File.Move(SidecarPath(path) + ".tmp", SidecarPath(path), overwrite: true);
    }

    /// <exception cref="InvalidDataException">missing or unreadable sidecar, or weights that do not fit it.</exception>
    public static LatentEncoder Load(string path)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"{Path.GetFileName(path)}: no such encoder weights file");
        EncoderShape shape;
        try
        {
            shape = JsonSerializer.Deserialize<EncoderShape>(File.ReadAllText(SidecarPath(path)))
                    ?? throw new InvalidDataException($"{Path.GetFileName(path)}.json is empty");
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            throw new InvalidDataException($"{Path.GetFileName(path)}: its description {Path.GetFileName(SidecarPath(path))} is missing or unreadable ({e.Message})", e);
        }
        var encoder = new LatentEncoder(shape);
        var state = CheckpointReader.Read(path);
        try { ModelRegistry.LoadStrict(encoder, state, path, "latent-encoder"); }
        catch { encoder.Dispose(); throw; }
        finally { foreach (var t in state.Values) t.Dispose(); }
        encoder.eval();
        return encoder;
    }

    /// <exception cref="ArgumentException">the encoder predicts another layer or shape than this generator has.</exception>
    public void CheckFits(ProGanLayout layout)
    {
        var expected = EncoderShape.For(layout, Shape.Layer, Shape.Width);
        if (expected.Resolution != Shape.Resolution || expected.ZDim != Shape.ZDim || expected.Channels != Shape.Channels || expected.Side != Shape.Side)
            throw new ArgumentException($"the encoder predicts {Shape.Layer} as {Shape.Channels}x{Shape.Side}x{Shape.Side} with z {Shape.ZDim} at {Shape.Resolution} px; " +
                                        $"this generator has {expected.Channels}x{expected.Side}x{expected.Side} with z {expected.ZDim} at {expected.Resolution} px");
    }
}
