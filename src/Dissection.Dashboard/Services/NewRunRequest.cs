// What the "New run" dialog asks the job queue to do.
using Dissection.Core.Dissection;

namespace Dissection.Dashboard.Services;

/// <param name="Arch">A registered architecture name.</param>
/// <param name="Checkpoint">A checkpoint file inside the allowed model folders, or null for the architecture's own weights.</param>
/// <param name="Dataset">A dataset folder inside the allowed data folders.</param>
public sealed record NewRunRequest(string Name, string Arch, string? Checkpoint, string Dataset, IReadOnlyList<string> Layers, DissectionSettings Settings);
