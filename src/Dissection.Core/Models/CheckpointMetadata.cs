// Optional sidecar next to a checkpoint that names the classes and the preprocessing the weights were trained with.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dissection.Core.Models;

/// <summary>
/// File: "&lt;checkpoint&gt;.json", e.g. models/world_vgg.pth.json beside models/world_vgg.pth. Every field is optional:
/// <code>
/// {
///   "classes":    ["bedroom", "kitchen", ...],   // class names in output order; count must equal the classifier's rows
///   "inputSize":  128,                           // square input side in pixels
///   "mean":       [0.485, 0.456, 0.406],         // per channel, in the model's channel order and value range
///   "std":        [0.229, 0.224, 0.225],
///   "bgr":        false,                         // true when the model expects BGR
///   "valueRange": 1                              // 1 for inputs in 0..1, 255 for 0..255
/// }
/// </code>
/// Precedence: architecture default &lt; sidecar &lt; ModelOptions (command line / dashboard).
/// </summary>
public sealed record CheckpointMetadata(
    [property: JsonPropertyName("classes")] string[]? Classes = null,
    [property: JsonPropertyName("inputSize")] int? InputSize = null,
    [property: JsonPropertyName("mean")] float[]? Mean = null,
    [property: JsonPropertyName("std")] float[]? Std = null,
    [property: JsonPropertyName("bgr")] bool? Bgr = null,
    [property: JsonPropertyName("valueRange")] float? ValueRange = null)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true,
        WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string PathFor(string checkpoint) => checkpoint + ".json";

    /// <summary>The sidecar of a checkpoint, or null when there is none.</summary>
    /// <exception cref="InvalidDataException">the sidecar exists but is not valid JSON of this shape.</exception>
    public static CheckpointMetadata? TryRead(string checkpoint)
    {
        var path = PathFor(checkpoint);
        if (!File.Exists(path)) return null;
        CheckpointMetadata? meta;
        try { meta = JsonSerializer.Deserialize<CheckpointMetadata>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new InvalidDataException($"checkpoint metadata '{path}' is not valid: {e.Message}", e); }
        if (meta is null) throw new InvalidDataException($"checkpoint metadata '{path}' is empty");
        if (meta.Mean is { Length: not 3 }) throw new InvalidDataException($"checkpoint metadata '{path}': mean needs 3 values, got {meta.Mean.Length}");
        if (meta.Std is { Length: not 3 }) throw new InvalidDataException($"checkpoint metadata '{path}': std needs 3 values, got {meta.Std.Length}");
        if (meta.InputSize is <= 0) throw new InvalidDataException($"checkpoint metadata '{path}': inputSize must be positive, got {meta.InputSize}");
        if (meta.ValueRange is { } vr && vr != 1f && vr != 255f) throw new InvalidDataException($"checkpoint metadata '{path}': valueRange must be 1 or 255, got {vr}");
        return meta;
    }

    /// <summary>Writes the sidecar for a checkpoint (used by training code).</summary>
    public void Write(string checkpoint) => File.WriteAllText(PathFor(checkpoint), JsonSerializer.Serialize(this, Json));

    public Preprocessing ApplyTo(Preprocessing p) => p with
    {
        InputSize = InputSize ?? p.InputSize,
        Mean = Mean ?? p.Mean,
        Std = Std ?? p.Std,
        Bgr = Bgr ?? p.Bgr,
        ValueRange = ValueRange ?? p.ValueRange,
        // A mean image only fits the channel order and range it was computed for, and an explicit mean replaces it.
        MeanImage = Mean is null && Bgr is null && ValueRange is null ? p.MeanImage : null,
    };
}
