// One loaded model (and its run's dataset) kept warm between requests, so repeated work on the same run does not reload
// weights; one piece of work at a time, because a model's hooks must not see another request's forward pass.
// A run is identified by id, creation time and database, so a recreated run with the same id reloads.
using Dissection.Core.Datasets;
using Dissection.Core.Models;
using Dissection.Core.Storage;

namespace Dissection.Dashboard.Services;

/// <param name="priority">The queue's jobs give way while work runs here (interactive requests come first).</param>
public sealed class WarmModel(StoreAccess store, RepoPaths paths, ILogger log, string purpose, Core.Work.InteractivePriority? priority = null) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (long Run, DateTime Created, string Db, LoadedModel Model, Lazy<ConceptDataset> Dataset)? _warm;

    /// <summary>Runs work on the run's model and dataset on a worker thread (the dataset is opened on first use).</summary>
    public Task<T> With<T>(RunInfo run, Func<LoadedModel, ConceptDataset, T> work, CancellationToken cancel) =>
        With(run, (model, dataset) => work(model, dataset.Value), cancel);

    /// <summary>Runs work on the run's model; the dataset is opened only if the work asks for it (a sample photo or an
    /// upload needs no dataset, and the run's dataset folder may be gone).</summary>
    public async Task<T> With<T>(RunInfo run, Func<LoadedModel, Lazy<ConceptDataset>, T> work, CancellationToken cancel)
    {
        await _gate.WaitAsync(cancel);
        try
        {
            using var lease = priority?.Begin();
            return await Task.Run(() =>
            {
                if (_warm is not { } w || w.Run != run.Id || w.Created != run.CreatedUtc || w.Db != store.DatabasePath)
                {
                    _warm?.Model.Dispose();
                    _warm = null;
                    var model = StoredRunModel.Load(run, paths.Root);
                    // PublicationOnly: a failure (dataset folder missing) is not cached, so the folder may appear later.
                    var dataset = new Lazy<ConceptDataset>(() => StoredRunModel.OpenDataset(run, paths.Root), LazyThreadSafetyMode.PublicationOnly);
                    _warm = (run.Id, run.CreatedUtc, store.DatabasePath, model, dataset);
                    log.LogInformation("{Purpose} model for run {Run} loaded", purpose, run.Id);
                }
                return work(_warm.Value.Model, _warm.Value.Dataset);
            }, cancel);
        }
        finally { _gate.Release(); }
    }

    public void Dispose()
    {
        _warm?.Model.Dispose();
        _warm = null;
    }
}
