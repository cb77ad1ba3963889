// Reads a checkpoint file into a flat name -> tensor state dict, whatever its on-disk flavour.
using System.Collections;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Dissection.Core.Models;

/// <summary>
/// Understands three flavours:
/// (1) torch.save(model.state_dict()) in PyTorch's zip format (also what PyBridge's save_py writes);
/// (2) the Places365 release style, a dict whose "state_dict" entry holds the weights with keys prefixed
///     by "module." (written through nn.DataParallel) — the prefix is stripped;
/// (3) safetensors.
/// Both the zip format (torch >= 1.6) and the legacy format (older torch, e.g. the Places365 release) are read.
/// </summary>
internal static class CheckpointReader
{
    private const string DataParallelPrefix = "module.";

    /// <summary>Tensors are on the CPU; the caller disposes them.</summary>
    /// <exception cref="FileNotFoundException">no such file.</exception>
    /// <exception cref="InvalidDataException">the file is not a readable checkpoint.</exception>
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint '{path}' does not exist", path);
        var kind = Sniff(path);
        if (kind == Flavour.Unknown)
            throw new InvalidDataException($"checkpoint '{path}' {CheckpointProblem.Unrecognised(path)}");
        Dictionary<string, Tensor> raw;
        try
        {
            raw = kind switch
            {
                Flavour.TorchZip => Weights(TorchPickleReader.ReadZip(path)),
                Flavour.TorchLegacy => Weights(TorchPickleReader.ReadLegacy(path)),
                _ => Safetensors.LoadStateDict(path),
            };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Zip, pickle and JSON errors alike; NotImplementedException is how PyBridge refuses whole pickled models.
            throw new InvalidDataException($"checkpoint '{path}' {CheckpointProblem.Unreadable(kind, e)}", e);
        }
        if (raw.Count == 0)
            throw new InvalidDataException($"checkpoint '{path}' holds no tensors (expected a state_dict or a dict with a 'state_dict' entry)");
        return StripDataParallelPrefix(raw);
    }

    internal enum Flavour { Unknown, TorchZip, TorchLegacy, Safetensors }

    internal static Flavour Sniff(string path)
    {
        Span<byte> head = stackalloc byte[9];
        int n;
        using (var f = File.OpenRead(path)) n = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (n >= 4 && head[0] == 0x50 && head[1] == 0x4b && head[2] == 0x03 && head[3] == 0x04) return Flavour.TorchZip;
        if (n >= 2 && head[0] == 0x80 && head[1] <= 5) return Flavour.TorchLegacy;
        // safetensors: 8-byte little-endian header length, then a JSON object.
        if (n == 9 && head[8] == (byte)'{' && BitConverter.ToUInt64(head[..8]) < (ulong)new FileInfo(path).Length) return Flavour.Safetensors;
        return Flavour.Unknown;
    }

    /// <summary>The weights of an unpickled checkpoint: the dict itself, or its "state_dict" entry (Places365 style:
    /// {"epoch":..., "arch":..., "state_dict": {...}, "best_prec1":...}). Other tensors are freed.</summary>
    private static Dictionary<string, Tensor> Weights(Hashtable top)
    {
        var weights = top["state_dict"] is Hashtable inner ? inner : top;
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in weights)
            if (e.Key is string key && e.Value is Tensor t) result[key] = t;
        if (!ReferenceEquals(top, weights))
            foreach (DictionaryEntry e in top)
                if (e.Value is Tensor stray) stray.Dispose();
        return result;
    }

    private static Dictionary<string, Tensor> StripDataParallelPrefix(Dictionary<string, Tensor> raw)
    {
        if (!raw.Keys.All(k => k.StartsWith(DataParallelPrefix, StringComparison.Ordinal))) return raw;
        return raw.ToDictionary(kv => kv.Key[DataParallelPrefix.Length..], kv => kv.Value, StringComparer.Ordinal);
    }
}
