// The SQLite results store: the single source of truth for the dashboard, the CLI export and the REST API.
using Dissection.Core.Dissection;

namespace Dissection.Core.Storage;

public sealed class ResultsStore : IDisposable
{
    /// <summary>Opens (creating and migrating as needed) a results database file.</summary>
    public static ResultsStore Open(string path) => throw new NotImplementedException();

    public long CreateRun(string name, string model, string dataset, IReadOnlyList<string> layers, DissectionSettings settings)
        => throw new NotImplementedException();
    public void UpdateProgress(long runId, string phase, double progress, double imagesPerSecond) => throw new NotImplementedException();
    public void SetStatus(long runId, RunStatus status, string? message = null, int? images = null) => throw new NotImplementedException();
    /// <summary>Writes one layer in one transaction: readers see all of it or none of it.</summary>
    public void SaveLayer(long runId, LayerResult layer) => throw new NotImplementedException();

    public IReadOnlyList<RunInfo> ListRuns() => throw new NotImplementedException();
    public RunInfo? GetRun(long runId) => throw new NotImplementedException();
    public IReadOnlyList<LayerResult> GetLayers(long runId, bool includeUnits = false) => throw new NotImplementedException();
    public LayerResult? GetLayer(long runId, string layer) => throw new NotImplementedException();
    public UnitResult? GetUnit(long runId, string layer, int unit) => throw new NotImplementedException();

    public void Dispose() { }
}
