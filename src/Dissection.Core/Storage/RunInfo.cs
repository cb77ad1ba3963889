// A dissection run as the store keeps it: what was run, with which settings, and how far it got.
using Dissection.Core.Dissection;
using Dissection.Core.Tallies;

namespace Dissection.Core.Storage;

public enum RunStatus { Queued, Running, Done, Failed, Cancelled, Interrupted }

public sealed record RunInfo(
    long Id,
    string Name,
    string Model,
    string Dataset,
    IReadOnlyList<string> Layers,
    DissectionSettings Settings,
    RunStatus Status,
    /// <summary>Failure message or other note.</summary>
    string? Message,
    int Images,
    DateTime CreatedUtc,
    DateTime? StartedUtc,
    DateTime? FinishedUtc,
    /// <summary>Live progress while running (0..1), with the phase and speed.</summary>
    double Progress,
    string? Phase,
    double ImagesPerSecond)
{
    /// <summary>Seconds spent in each phase so far, measured by the store from the phase changes it was told of.</summary>
    public IReadOnlyDictionary<string, double> Timings { get; init; } = new Dictionary<string, double>();

    /// <summary>The method's rules as stored when the run was created (DissectionSettings.Rules); null for a run stored
    /// before rule sets were recorded.</summary>
    public MethodRules? RecordedRules { get; init; }
}
