// Results back from a coordinator's job JSON, as the client reads them.
using System.Text.Json;
using Dissection.Core.Ablation;
using Dissection.Core.Dissection;

namespace Dissection.Cluster.Tests;

internal static class Json
{
    public static IReadOnlyList<LayerResult> Layers(string json) => JsonSerializer.Deserialize<List<LayerResult>>(json, WorkOrder.Json)!;
    public static AblationResult Ablation(string json) => JsonSerializer.Deserialize<AblationResult>(json, WorkOrder.Json)!;
}
