// The JSON file written next to trained weights (<weights>.json): class names in output order and the preprocessing
// the network expects. The model registry reads it to load the classifier.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dissection.Core.Training;

public sealed record ModelSidecar
{
    [JsonPropertyName("architecture")] public string Architecture { get; init; } = "world-vgg";
    [JsonPropertyName("classes")] public IReadOnlyList<string> Classes { get; init; } = [];
    [JsonPropertyName("inputSize")] public int InputSize { get; init; } = 128;
    [JsonPropertyName("mean")] public float[] Mean { get; init; } = [0, 0, 0];
    [JsonPropertyName("std")] public float[] Std { get; init; } = [1, 1, 1];
    /// <summary>Channel order of the input: false = RGB.</summary>
    [JsonPropertyName("bgr")] public bool Bgr { get; init; }
    /// <summary>Pixel values are divided into [0, valueRange] before mean/std: 1 means inputs in [0, 1].</summary>
    [JsonPropertyName("valueRange")] public double ValueRange { get; init; } = 1;
    [JsonPropertyName("valAccuracy")] public double ValAccuracy { get; init; }
    [JsonPropertyName("epochs")] public int Epochs { get; init; }
    [JsonPropertyName("trainingSeconds")] public double TrainingSeconds { get; init; }
    [JsonPropertyName("dataset")] public string Dataset { get; init; } = "";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <exception cref="InvalidDataException">the file is not a valid sidecar.</exception>
    public static ModelSidecar Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<ModelSidecar>(File.ReadAllText(path), Json)
                   ?? throw new InvalidDataException($"{path}: empty model description");
        }
        catch (JsonException e) { throw new InvalidDataException($"{path}: not a model description ({e.Message})", e); }
    }
}
