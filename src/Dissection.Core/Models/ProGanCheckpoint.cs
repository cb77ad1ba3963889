// Reading a ProGAN generator checkpoint: PyTorch state-dict file → key normalisation (old `features.i`/`output` style)
// → layout from the tensor shapes → strict load (CheckpointMismatchException lists every missing/unexpected key and
// shape difference).
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Dissection.Core.Models;

internal static partial class ProGanCheckpoint
{
    public static ProgressiveGenerator Load(string path)
    {
        var sd = ReadStateDict(path);
        try { return FromStateDict(sd, path); }
        finally { foreach (var t in sd.Values) t.Dispose(); }
    }

    public static ProgressiveGenerator FromStateDict(IReadOnlyDictionary<string, Tensor> raw, string source)
    {
        var sd = NormaliseKeys(raw);
        var layout = InferLayout(sd, source);
        var g = new ProgressiveGenerator(layout);
        try { LoadStrict(g, sd, source); }
        catch { g.Dispose(); throw; }
        return g;
    }

    /// <summary>Any checkpoint flavour the model registry reads (torch.save zip or legacy, safetensors), as float32.</summary>
    public static Dictionary<string, Tensor> ReadStateDict(string path)
    {
        var raw = CheckpointReader.Read(path);
        foreach (var key in raw.Keys.ToList())
            if (raw[key].dtype != ScalarType.Float32)
            {
                var f = raw[key].to_type(ScalarType.Float32);
                raw[key].Dispose();
                raw[key] = f;
            }
        return raw;
    }

    /// <summary>Maps the old key style (`features.{i}.*` for layer i+1, `output.*`) to `layer{i}.*` / `output_RxR.*`.</summary>
    public static IReadOnlyDictionary<string, Tensor> NormaliseKeys(IReadOnlyDictionary<string, Tensor> sd)
    {
        if (!sd.Keys.Any(k => k.StartsWith("features.", StringComparison.Ordinal) || k.StartsWith("output.", StringComparison.Ordinal)))
            return sd;
        var layers = sd.Keys.Select(k => OldLayerKey().Match(k)).Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value) + 1).DefaultIfEmpty(0).Max();
        var res = layers >= 2 ? 4 << ((layers - 2) / 2) : 4;
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (k, v) in sd)
        {
            var m = OldLayerKey().Match(k);
            var key = m.Success ? $"layer{int.Parse(m.Groups[1].Value) + 1}.{m.Groups[2].Value}"
                : k.StartsWith("output.", StringComparison.Ordinal) ? $"output_{res}x{res}.{k["output.".Length..]}"
                : k;
            result[key] = v;
        }
        return result;
    }

    /// <summary>Sizes the generator from `layer{i}.conv.weight` shapes; the `output_RxR` key must agree with the layer count.</summary>
    public static ProGanLayout InferLayout(IReadOnlyDictionary<string, Tensor> sd, string source)
    {
        var layerNumbers = sd.Keys.Select(k => LayerWeightKey().Match(k)).Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value)).OrderBy(i => i).ToList();
        if (layerNumbers.Count == 0)
            throw new InvalidDataException($"{source}: no `layer1.conv.weight` key; not a ProGAN generator state dict " +
                                           $"(keys: {Preview(sd.Keys)})");
        var n = layerNumbers[^1];
        var missing = Enumerable.Range(1, n).Except(layerNumbers).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"{source}: missing conv weights of {string.Join(", ", missing.Select(i => $"layer{i}"))} " +
                                           $"(found layer1…layer{n})");
        var channels = new List<int>();
        var z = 0;
        for (var i = 1; i <= n; i++)
        {
            var w = sd[$"layer{i}.conv.weight"];
            if (w.dim() != 4) throw new InvalidDataException($"{source}: layer{i}.conv.weight has shape {Shape(w)}, expected [out,in,k,k]");
            if (i == 1) z = (int)w.shape[1];
            channels.Add((int)w.shape[0]);
        }
        var layout = new ProGanLayout(z, channels);
        if (n < 2 || n % 2 != 0)
            throw new InvalidDataException($"{source}: {n} generator layers; a progressive generator has an even number (layer1 z→4×4, layer2, then pairs)");
        var outputs = sd.Keys.Select(k => OutputKey().Match(k)).Where(m => m.Success).Select(m => m.Groups[1].Value).Distinct().ToList();
        if (outputs.Count == 0)
            throw new InvalidDataException($"{source}: no `output_RxR.conv.weight` key (expected {layout.OutputName} for {n} layers)");
        if (outputs.Count > 1 || outputs[0] != layout.OutputName)
            throw new InvalidDataException($"{source}: output block(s) {string.Join(", ", outputs)} do not match {n} layers, " +
                                           $"which make {layout.Resolution}x{layout.Resolution} images ({layout.OutputName})");
        return layout;
    }

    /// <summary>The registry's strict copy: every missing/unexpected key and shape difference in one CheckpointMismatchException.</summary>
    public static void LoadStrict(nn.Module module, IReadOnlyDictionary<string, Tensor> sd, string source) =>
        ModelRegistry.LoadStrict(module, sd, source, GeneratorSpec.Arch);

    internal static string Shape(Tensor t) => $"[{string.Join(",", t.shape)}]";

    private static string Preview(IEnumerable<string> keys)
    {
        var list = keys.Take(6).ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list) + (keys.Count() > 6 ? ", …" : "");
    }

    [GeneratedRegex(@"^features\.(\d+)\.(.+)$")] private static partial Regex OldLayerKey();
    [GeneratedRegex(@"^layer(\d+)\.conv\.weight$")] private static partial Regex LayerWeightKey();
    [GeneratedRegex(@"^(output_\d+x\d+)\.")] private static partial Regex OutputKey();
}
