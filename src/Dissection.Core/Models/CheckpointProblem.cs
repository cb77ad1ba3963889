// What is wrong with a checkpoint file, in the user's terms: a safetensors header that lies about its length or is not
// JSON, a pickle that holds code instead of tensors (refused on purpose), a cut-off zip. The readers' own messages
// ("register a custom IObjectConstructor", JSON reader positions) mean nothing to someone choosing a file.
using System.Text;
using System.Text.Json;

namespace Dissection.Core.Models;

internal static class CheckpointProblem
{
    /// <summary>Why a file is neither format, looking closer at files that claim to be safetensors.</summary>
    public static string Unrecognised(string path)
    {
        var head = new byte[9];
        long length;
        int n;
        using (var f = File.OpenRead(path)) { length = f.Length; n = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false); }
        bool namedSafetensors = path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);
        if (n == 9 && head[8] == (byte)'{')
        {
            var declared = BitConverter.ToUInt64(head, 0);
            return $"has a bad safetensors header: it declares {declared:N0} header bytes but the file has only {length:N0} " +
                   "(the file is cut short or corrupt)";
        }
        if (namedSafetensors)
            return n < 9 ? $"has a bad safetensors header: the file is only {length} bytes long"
                : "has a bad safetensors header: it does not start with an 8-byte header length followed by a JSON object";
        return "is not a checkpoint we can read: neither a PyTorch file (.pt/.pth, zip or legacy) nor a safetensors file";
    }

    /// <summary>Why a file of a recognised format could not be read.</summary>
    public static string Unreadable(CheckpointReader.Flavour kind, Exception e)
    {
        if (kind == CheckpointReader.Flavour.Safetensors)
            return e is JsonException or DecoderFallbackException || e.InnerException is JsonException
                ? "has a bad safetensors header: its JSON header is not valid (the file is corrupt)"
                : $"has a bad safetensors header or data: {e.Message}";
        // PyBridge's unpickler refuses any class it does not know: a whole pickled model, or code planted in the file.
        if (e.Message.Contains("IObjectConstructor", StringComparison.Ordinal) || e is NotImplementedException
            || e.GetType().Name == "PickleException")
            return "was refused: it holds pickled Python objects other than tensors (a whole model, or code). For safety only " +
                   "state_dict files of tensors are loaded; save model.state_dict() instead";
        if (e is InvalidDataException) return $"could not be read: {e.Message}";
        return $"could not be read as a {(kind == CheckpointReader.Flavour.TorchZip ? "PyTorch zip" : "legacy PyTorch")} file " +
               $"(cut short or corrupt): {e.Message}";
    }
}
