// The background job host: the only place in the dashboard that runs the engine. Runs are queued in the store
// (so they survive reloads), executed one at a time (the engine already uses every core), and report progress
// into the store, where pages poll it.
using System.Collections.Concurrent;
using System.Threading.Channels;
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Models;
using Dissection.Core.Storage;

namespace Dissection.Dashboard.Services;

public sealed class JobQueue(StoreAccess store, PathPolicy policy, RepoPaths paths, ILogger<JobQueue> log) : BackgroundService
{
    private readonly Channel<long> _queue = Channel.CreateUnbounded<long>();
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _running = new();
    // Start and cancel both check-then-act on a run's state; one gate keeps a cancel from landing in between.
    private readonly Lock _gate = new();

    /// <summary>Validates the request, records the run as queued and schedules it. Returns the run id.</summary>
    /// <exception cref="PathNotAllowedException">the dataset or checkpoint is outside the allowed folders.</exception>
    /// <exception cref="ArgumentException">no layers, or settings out of range.</exception>
    public long Enqueue(NewRunRequest request)
    {
        var dataset = policy.ResolveDataset(request.Dataset);
        if (!Directory.Exists(dataset))
            throw new ArgumentException($"The dataset folder '{request.Dataset}' does not exist.");
        string? checkpoint = null;
        if (!string.IsNullOrWhiteSpace(request.Checkpoint))
        {
            checkpoint = policy.ResolveCheckpoint(request.Checkpoint);
            if (!File.Exists(checkpoint))
                throw new ArgumentException($"The checkpoint '{request.Checkpoint}' does not exist.");
        }
        if (string.IsNullOrWhiteSpace(request.Arch)) throw new ArgumentException("Choose a model.");
        if (request.Layers.Count == 0) throw new ArgumentException("Choose at least one layer.");
        var s = request.Settings;
        if (s.Quantile is <= 0 or >= 1) throw new ArgumentException($"The quantile must be between 0 and 1 (got {s.Quantile}).");
        if (s.IouThreshold is < 0 or >= 1) throw new ArgumentException($"The IoU cut-off must be between 0 and 1 (got {s.IouThreshold}).");
        if (s.TopK is < 1 or > 100) throw new ArgumentException($"Top-k must be between 1 and 100 (got {s.TopK}).");
        if (s.Limit is < 1) throw new ArgumentException($"The sample limit must be positive (got {s.Limit}).");

        var model = new ModelSpec(request.Arch.Trim(), checkpoint is null ? null : policy.Display(checkpoint)).ToString();
        var name = string.IsNullOrWhiteSpace(request.Name) ? $"{request.Arch} on {Path.GetFileName(dataset)}" : request.Name.Trim();
        var id = store.Read(st => st.CreateRun(name, model, policy.Display(dataset), request.Layers, s));
        _queue.Writer.TryWrite(id);
        log.LogInformation("Queued run {Run}: {Model} on {Dataset}, layers {Layers}", id, model, dataset, string.Join(",", request.Layers));
        return id;
    }

    /// <summary>Schedules a run that is already recorded as queued in the store (the demo bootstrap creates its own).</summary>
    public void Schedule(long runId) => _queue.Writer.TryWrite(runId);

    /// <summary>Cancels a queued or running run. False when it has already ended.</summary>
    public bool Cancel(long runId)
    {
        lock (_gate)
        {
            if (_running.TryGetValue(runId, out var cts))
            {
                cts.Cancel();
                return true;
            }
            var run = store.Read(s => s.GetRun(runId));
            if (run?.Status != RunStatus.Queued) return false;
            store.Write(s => s.SetStatus(runId, RunStatus.Cancelled, "Cancelled before it started."));
            return true;
        }
    }

    public bool IsRunning(long runId) => _running.ContainsKey(runId);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        try
        {
            // A run left "running" by a previous process can never finish; say so instead of spinning forever.
            var failed = store.Read(s => s.MarkInterruptedRuns());
            if (failed > 0) log.LogWarning("{Count} run(s) were interrupted by the last shutdown", failed);
            // Queued runs survive restarts: pick them up oldest first.
            foreach (var run in store.Read(s => s.ListRuns()).Where(r => r.Status == RunStatus.Queued).OrderBy(r => r.Id))
                _queue.Writer.TryWrite(run.Id);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "Cannot read the results store at start-up");
        }

        await foreach (var id in _queue.Reader.ReadAllAsync(stopping))
        {
            try
            {
                await Task.Factory.StartNew(() => Execute(id, stopping), stopping, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { break; }
            catch (Exception e) { log.LogError(e, "Job host failed on run {Run}", id); }
        }
    }

    private void Execute(long id, CancellationToken stopping)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        RunInfo? run;
        lock (_gate)
        {
            run = store.Read(s => s.GetRun(id));
            if (run is null || run.Status != RunStatus.Queued) return; // cancelled or removed while waiting
            _running[id] = cts;
        }
        try
        {
            store.Write(s => s.SetStatus(id, RunStatus.Running));
            store.Write(s => s.UpdateProgress(id, "loading the model", 0, 0));
            var spec = ModelSpec.Parse(run.Model);
            if (spec.Checkpoint is { } ck && !Path.IsPathRooted(ck)) spec = spec with { Checkpoint = paths.Resolve(ck) };
            using var model = ModelRegistry.Load(spec);
            store.Write(s => s.UpdateProgress(id, "opening the dataset", 0, 0));
            var dataset = ConceptDataset.Open(paths.Resolve(run.Dataset));
            var progress = new StoreProgress(store, id);
            var layers = DissectionRun.Execute(model, dataset, run.Layers, run.Settings, progress, cts.Token);
            store.Write(s => s.UpdateProgress(id, "saving", 1, progress.LastSpeed));
            foreach (var layer in layers) store.Write(s => s.SaveLayer(id, layer));
            store.Write(s => s.SetStatus(id, RunStatus.Done, null, layers.Count > 0 ? layers[0].Images : 0));
            log.LogInformation("Run {Run} done", id);
        }
        // Once a stop was asked for, whatever the engine throws on its way out (a plain or an aggregated
        // cancellation, an interrupted read) means "stopped", not "failed".
        catch (Exception) when (cts.IsCancellationRequested)
        {
            var why = stopping.IsCancellationRequested ? "Interrupted: the dashboard was shut down." : "Cancelled by the user.";
            TrySetStatus(id, stopping.IsCancellationRequested ? RunStatus.Failed : RunStatus.Cancelled, why);
        }
        catch (Exception e)
        {
            log.LogError(e, "Run {Run} failed", id);
            TrySetStatus(id, RunStatus.Failed, Describe(e));
        }
        finally
        {
            _running.TryRemove(id, out _);
        }
    }

    private void TrySetStatus(long id, RunStatus status, string message)
    {
        try { store.Write(s => s.SetStatus(id, status, message)); }
        catch (Exception e) { log.LogError(e, "Cannot record the end of run {Run}", id); }
    }

    /// <summary>The engine's own message; the type only when the message says nothing.</summary>
    internal static string Describe(Exception e)
    {
        if (e is TypeInitializationException or System.Reflection.TargetInvocationException && e.InnerException is { } inner) e = inner;
        if (e is NotImplementedException) return "This part of the engine is not available in this build yet.";
        return string.IsNullOrWhiteSpace(e.Message) ? e.GetType().Name : e.Message;
    }

    /// <summary>Writes progress to the store at most every 250 ms: pages poll it, the engine must not wait on SQLite.</summary>
    private sealed class StoreProgress(StoreAccess store, long id) : IProgress<DissectionProgress>
    {
        private long _lastTicks;
        public double LastSpeed { get; private set; }

        public void Report(DissectionProgress value)
        {
            LastSpeed = value.ImagesPerSecond;
            var now = Environment.TickCount64;
            if (now - _lastTicks < 250 && value.Done < value.Total) return;
            _lastTicks = now;
            try { store.Write(s => s.UpdateProgress(id, value.Phase, value.Fraction, value.ImagesPerSecond)); }
            catch (Exception) { /* progress is best effort; the result still gets saved */ }
        }
    }
}
