// What a worker needs to rebuild its part of a job on any silo: the kind, the model, the dataset (a path every silo
// sees), the layers and the settings (as job JSON, the same the local executor stores). It travels with every call,
// so a shard moved to another silo after its silo died finds everything it needs in the call itself.
using System.Text.Json;
using System.Text.Json.Serialization;
using Dissection.Core.Ablation;
using Dissection.Core.Dissection;
using Dissection.Core.Jobs;

namespace Dissection.Cluster;

public enum WorkKind { Dissect, DissectGenerator, Ablate }

/// <param name="Model">A model spec (arch:checkpoint) or, for DissectGenerator, proggan:checkpoint.</param>
/// <param name="Dataset">A Broden folder, or the generator's segmented samples folder; read by every silo.</param>
/// <param name="Settings">DissectionSettings or AblationSettings as job JSON (WorkOrder.Json).</param>
/// <param name="Z">z:SEED:COUNT for DissectGenerator.</param>
/// <param name="Shards">How many shards the coordinator splits the work into.</param>
[GenerateSerializer, Immutable, Alias("dissection.work-order")]
public sealed record WorkOrder(
    [property: Id(0)] WorkKind Kind,
    [property: Id(1)] string Model,
    [property: Id(2)] string Dataset,
    [property: Id(3)] string[] Layers,
    [property: Id(4)] string Settings,
    [property: Id(5)] string? Z = null,
    [property: Id(6)] int? InputSize = null,
    [property: Id(7)] string Device = "cpu",
    [property: Id(8)] int Shards = 0)
{
    /// <summary>Job JSON, and float literals (an ablation's NaN accuracy of a class without images) kept exact.</summary>
    public static readonly JsonSerializerOptions Json = new(JobJson.Options) { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static WorkOrder Dissection(string model, string dataset, IReadOnlyList<string> layers, DissectionSettings settings, int shards,
        int? inputSize = null) =>
        new(WorkKind.Dissect, model, dataset, [.. layers], JsonSerializer.Serialize(settings, Json), InputSize: inputSize, Shards: shards);

    public static WorkOrder GeneratorDissection(string generator, string samples, string z, IReadOnlyList<string> layers,
        DissectionSettings settings, int shards) =>
        new(WorkKind.DissectGenerator, generator, samples, [.. layers], JsonSerializer.Serialize(settings, Json), Z: z, Shards: shards);

    public static WorkOrder Ablation(string model, string dataset, string layer, AblationSettings settings, int shards, int? inputSize = null) =>
        new(WorkKind.Ablate, model, dataset, [layer], JsonSerializer.Serialize(settings, Json), InputSize: inputSize, Shards: shards);

    // Methods, not properties: grain storage serializes a state's properties (the order is part of CoordinatorState).
    // Methods, not properties: Redis grain storage serializes every property of the persisted CoordinatorState.
    public DissectionSettings ReadDissectionSettings() => JsonSerializer.Deserialize<DissectionSettings>(Settings, Json)!;
    public AblationSettings ReadAblationSettings() => JsonSerializer.Deserialize<AblationSettings>(Settings, Json)!;
}

/// <summary>A worker's answer: the shard's bytes (Core's wire format), the silo that computed it and how long it took.</summary>
[GenerateSerializer, Immutable, Alias("dissection.shard-reply")]
public sealed record ShardReply([property: Id(0)] byte[] Bytes, [property: Id(1)] string Silo, [property: Id(2)] double Seconds,
    [property: Id(3)] int Images);
