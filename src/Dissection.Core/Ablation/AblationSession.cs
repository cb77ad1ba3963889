// One model, one layer, one labelled image set, ready to measure any number of unit ablations. The layer's outputs
// are computed once per batch (and kept in memory across passes when they fit), and every ablation re-runs only the
// tail. Used by the ablation run (single units, then group curves) and by the dashboard's playground.
using System.Diagnostics;
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Models;
using TorchSharp;
using Dissection.Core.Work;
using static TorchSharp.torch;

namespace Dissection.Core.Ablation;

public sealed class AblationSession : IUnitSetEvaluator, IDisposable
{
    private readonly LoadedModel _model;
    private readonly ConceptDataset _dataset;
    private readonly AblationSettings _settings;
    private readonly StackedAblation _ablator;
    private readonly IReadOnlyList<DatasetImage> _images;
    private readonly int[]? _labels;           // model class per image, null when label-free
    private readonly List<string> _notes = [];
    private List<(Tensor Prepared, int[]? Labels)>? _cache;
    private Tensor? _inputs;                   // preprocessed inputs given directly (tests, benchmarks), else null
    private bool _cacheComplete;
    private int _failedImages;
    private bool _disposed;

    private AblationSession(LoadedModel model, ConceptDataset dataset, string layer, AblationSettings settings,
        StackedAblation ablator, IReadOnlyList<DatasetImage> images, int[]? labels, int units, IReadOnlyList<string> classes)
    {
        _model = model;
        _dataset = dataset;
        _settings = settings;
        _ablator = ablator;
        _images = images;
        _labels = labels;
        Layer = layer;
        UnitCount = units;
        Classes = classes;
    }

    public string Layer { get; }
    public int UnitCount { get; }
    /// <summary>Model class names (or "class N" when the model names none), indexed by model output.</summary>
    public IReadOnlyList<string> Classes { get; }
    public bool Labelled => _labels is not null;
    /// <summary>"split" or "hooks" (see StackedAblation).</summary>
    public string Method => _ablator.Method;
    public string Split => _settings.Split ?? "";
    /// <summary>Images measured (after the split, limit and label filters, minus images that failed to decode).</summary>
    public int Images => _images.Count - _failedImages;
    public string Note => string.Join("; ", _notes.Where(n => n.Length > 0));

    /// <summary>Unit sets measured together in one tail pass, the same for every batch (from a full batch's bytes):
    /// a set's numbers depend on which sets share its stack (the tail's batch size changes the float rounding), so
    /// every stack holds sets [jK, (j+1)K) of the list, and shards of sets cut at multiples of it (ShardedUnitSets).</summary>
    public int StackSize => _stackSize ??= MeasureStackSize();
    private int? _stackSize;

    private int MeasureStackSize()
    {
        for (var i = 0; i < _images.Count; i++)
        {
            var (prepared, _, _) = Load(i, 1);
            if (prepared is null) continue;
            using (prepared)
            {
                var bytesPerCopy = Math.Max(1L, prepared.numel() * prepared.element_size() * _settings.BatchSize);
                return (int)Math.Clamp(_settings.StackBytes / bytesPerCopy, 1, 256);
            }
        }
        return 1;
    }

    /// <summary>
    /// Prepares a session: selects the images, matches scene labels to model classes by name (label-free when the
    /// dataset has none or settings ask for it), and splits the model at the layer (or falls back to hooks).
    /// </summary>
    public static AblationSession Open(LoadedModel model, ConceptDataset dataset, string layer, AblationSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentException.ThrowIfNullOrWhiteSpace(layer);
        settings ??= new AblationSettings();
        if (settings.BatchSize < 1) throw new ArgumentException($"batch size must be at least 1, got {settings.BatchSize}");
        if (settings.Limit is < 1) throw new ArgumentException($"limit must be at least 1, got {settings.Limit}");

        var notes = new List<string>();
        IReadOnlyList<DatasetImage> images = dataset.Images
            .Where(i => settings.Split is null || string.Equals(i.Split, settings.Split, StringComparison.Ordinal)).ToList();
        if (images.Count == 0)
            throw new ArgumentException($"the dataset at {dataset.Root} has no images" +
                (settings.Split is null ? "" : $" in split '{settings.Split}' (splits: {string.Join(", ", dataset.Images.Select(i => i.Split).Distinct())})"));

        int[]? labels = null;
        if (settings.LabelFree) notes.Add("label-free as asked: agreement with the unablated model, not accuracy");
        else
        {
            var mapped = ClassLabelMap.Resolve(model.ClassNames, dataset, images, out var labelNote);
            if (mapped is null) notes.Add("the dataset has no scene labels: label-free, measuring agreement with the unablated model");
            else
            {
                notes.Add(labelNote);
                var keep = Enumerable.Range(0, images.Count).Where(i => mapped[i] >= 0).ToList();
                images = keep.Select(i => images[i]).ToList();
                labels = keep.Select(i => mapped[i]).ToArray();
            }
        }
        if (settings.Limit is { } limit && images.Count > limit)
        {
            images = images.Take(limit).ToList();
            labels = labels?.Take(limit).ToArray();
        }

        var ablator = StackedAblation.Create(model, layer, out var methodNote);
        notes.Add(methodNote);
        var (units, classes) = Shapes(model, layer, ablator);
        var names = model.ClassNames is { Count: > 0 } n && n.Count == classes
            ? n : Enumerable.Range(0, classes).Select(c => $"class {c}").ToList();
        if (labels is not null && labels.Any(l => l >= classes))
            throw new ArgumentException($"the model has {classes} outputs but its class names list {model.ClassNames!.Count}");
        var session = new AblationSession(model, dataset, layer, settings, ablator, images, labels, units, names);
        session._notes.AddRange(notes);
        return session;
    }

    /// <summary>A session over preprocessed inputs already in memory (B, 3, H, W), with model classes as labels or
    /// null for label-free. The session does not own the inputs.</summary>
    internal static AblationSession ForInputs(LoadedModel model, string layer, Tensor inputs, int[]? labels, AblationSettings? settings = null)
    {
        settings ??= new AblationSettings();
        if (labels is not null && labels.Length != inputs.shape[0])
            throw new ArgumentException($"{labels.Length} labels for {inputs.shape[0]} inputs");
        var ablator = StackedAblation.Create(model, layer, out var methodNote);
        var (units, classes) = Shapes(model, layer, ablator);
        var images = Enumerable.Range(0, (int)inputs.shape[0])
            .Select(i => new DatasetImage(i, $"input{i}", "", 0, 0, 0, 0, null)).ToList();
        var names = Enumerable.Range(0, classes).Select(c => $"class {c}").ToList();
        var session = new AblationSession(model, null!, layer, settings, ablator, images, labels, units, names) { _inputs = inputs };
        session._notes.Add(methodNote);
        return session;
    }

    /// <summary>Units of the layer and model outputs, from one dummy batch.</summary>
    private static (int Units, int Classes) Shapes(LoadedModel model, string layer, StackedAblation ablator)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var size = model.Preprocessing.InputSize;
        var input = zeros(1, 3, size, size, device: model.Device);
        if (ablator.Cut is not null)
        {
            var prepared = ablator.Prepare(input);
            if (prepared.dim() < 2) throw new ArgumentException($"layer '{layer}' has no unit dimension (shape [{string.Join(",", prepared.shape)}])");
            var logits = ablator.Ablate(prepared, ones(1, prepared.shape[1]));
            return (checked((int)prepared.shape[1]), checked((int)logits.shape[^1]));
        }
        // Full passes: read the unit count from the layer's output.
        using var retained = model.Instrumented.Retain([layer]);
        var (acts, output) = retained.Run(input);
        try { return (checked((int)acts[layer].shape[1]), checked((int)output.shape[^1])); }
        finally { foreach (var t in acts.Values) t.Dispose(); }
    }

    /// <summary>
    /// Measures the unablated network and each set of removed units over all the session's images, in one pass.
    /// Result[0] is the baseline, result[i + 1] belongs to removed[i]. Unit numbers out of range throw.
    /// </summary>
    public IReadOnlyList<ClassMetrics> Evaluate(IReadOnlyList<IReadOnlyCollection<int>> removed,
        IProgress<DissectionProgress>? progress = null, CancellationToken cancel = default, string phase = "ablation")
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(removed);
        var keep = new float[(removed.Count + 1) * UnitCount];
        Array.Fill(keep, 1f);
        for (var s = 0; s < removed.Count; s++)
            foreach (var u in removed[s])
            {
                if (u < 0 || u >= UnitCount)
                    throw new ArgumentException($"unit {u} is out of range: layer '{Layer}' has {UnitCount} units (0-{UnitCount - 1})");
                keep[(s + 1) * UnitCount + u] = 0f;
            }
        using var keepAll = tensor(keep, [removed.Count + 1, UnitCount], device: _model.Device);

        var tallies = Enumerable.Range(0, removed.Count + 1).Select(_ => new ClassTally(Classes.Count)).ToArray();
        var clock = Stopwatch.StartNew();
        long done = 0;
        progress?.Report(new DissectionProgress(phase, 0, _images.Count, 0));
        foreach (var (prepared, labels) in Batches(cancel))
        {
            cancel.ThrowIfCancellationRequested();
            MeasureBatch(prepared, labels, keepAll, tallies, cancel);
            done += prepared.shape[0];
            progress?.Report(new DissectionProgress(phase, Math.Min(done, _images.Count), _images.Count,
                done / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
        }
        if (done < _images.Count)   // images that failed to decode: still finish the bar
            progress?.Report(new DissectionProgress(phase, _images.Count, _images.Count, done / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
        return tallies.Select(t => t.ToMetrics()).ToList();
    }

    /// <summary>Adds one batch to every tally: the baseline first (its argmax is the label-free reference), then the
    /// ablations K at a time, K bounded by the bytes of the stacked copies.</summary>
    private void MeasureBatch(Tensor prepared, int[]? labels, Tensor keepAll, ClassTally[] tallies, CancellationToken cancel)
    {
        using var scope = NewDisposeScope();
        var b = (int)prepared.shape[0];
        var baseLogits = _ablator.Ablate(prepared, keepAll.narrow(0, 0, 1))[0];
        var baseProbs = baseLogits.softmax(-1);
        var basePreds = baseProbs.argmax(-1);
        var preds0 = basePreds.cpu().data<long>().ToArray();
        var reference = labels ?? preds0.Select(p => (int)p).ToArray();
        var referenceIndex = tensor(reference.Select(r => (long)r).ToArray(), device: prepared.device);
        var baseConf = baseProbs.gather(-1, basePreds.unsqueeze(-1)).squeeze(-1).cpu().data<float>().ToArray();
        var baseRef = baseProbs.gather(-1, referenceIndex.unsqueeze(-1)).squeeze(-1).cpu().data<float>().ToArray();
        tallies[0].Add(preds0, reference, baseConf, baseRef);

        var k = StackSize;
        var sets = tallies.Length - 1;
        for (var start = 0; start < sets; start += k)
        {
            cancel.ThrowIfCancellationRequested();
            using var inner = NewDisposeScope();
            var count = Math.Min(k, sets - start);
            var logits = _ablator.Ablate(prepared, keepAll.narrow(0, 1 + start, count));       // (K, B, classes)
            var probs = logits.softmax(-1);
            var preds = probs.argmax(-1).cpu().data<long>().ToArray();
            var index = basePreds.unsqueeze(0).unsqueeze(-1).expand(count, b, 1);
            var conf = probs.gather(-1, index).squeeze(-1).cpu().data<float>().ToArray();
            var refProb = probs.gather(-1, referenceIndex.unsqueeze(0).unsqueeze(-1).expand(count, b, 1)).squeeze(-1).cpu().data<float>().ToArray();
            for (var i = 0; i < count; i++)
                tallies[1 + start + i].Add(preds.AsSpan(i * b, b), reference, conf.AsSpan(i * b, b), refProb.AsSpan(i * b, b));
        }
    }

    /// <summary>The prepared batches: from the memory cache when a previous pass filled it, else decoded and run
    /// through the head (and cached when the whole set fits the budget). Images that fail to decode are dropped.</summary>
    private IEnumerable<(Tensor Prepared, int[]? Labels)> Batches(CancellationToken cancel)
    {
        if (_cacheComplete && _cache is not null)
        {
            foreach (var item in _cache) yield return item;
            yield break;
        }
        DropCache();
        var caching = _settings.CacheBytes > 0;
        var cache = new List<(Tensor, int[]?)>();
        long cachedBytes = 0;
        var failed = 0;
        var complete = false;
        try
        {
            for (var start = 0; start < _images.Count; start += _settings.BatchSize)
            {
                cancel.ThrowIfCancellationRequested();
                var count = Math.Min(_settings.BatchSize, _images.Count - start);
                var (prepared, labels, bad) = Load(start, count);
                failed += bad;
                if (prepared is null) continue;
                if (caching)
                {
                    cachedBytes += prepared.numel() * prepared.element_size();
                    // Projected from this batch: stop caching as soon as the whole set clearly will not fit.
                    var projected = cachedBytes * (double)_images.Count / (start + count);
                    if (projected > _settings.CacheBytes)
                    {
                        caching = false;
                        foreach (var (t, _) in cache) t.Dispose();
                        cache.Clear();
                    }
                }
                if (caching) cache.Add((prepared, labels));
                try { yield return (prepared, labels); }
                finally { if (!caching) prepared.Dispose(); }
            }
            complete = true;
        }
        finally
        {
            _failedImages = failed;
            if (complete && caching) { _cache = cache; _cacheComplete = true; }
            else foreach (var (t, _) in cache) t.Dispose();
        }
        if (failed > 0 && !_notes.Any(n => n.StartsWith("images that failed", StringComparison.Ordinal)))
            _notes.Add($"images that failed to decode were left out: {failed}");
    }

    private (Tensor? Prepared, int[]? Labels, int Failed) Load(int start, int count)
    {
        if (_inputs is not null)
        {
            using var noGrad0 = no_grad();
            using var scope0 = NewDisposeScope();
            var slice = _ablator.Prepare(_inputs.narrow(0, start, count)).DetachFromDisposeScope();
            return (slice, _labels?.Skip(start).Take(count).ToArray(), 0);
        }
        var batchImages = Enumerable.Range(start, count).Select(i => _images[i]).ToList();
        using var scope = NewDisposeScope();
        using var batch = _dataset.LoadImages(batchImages, _model.Preprocessing.InputSize);
        var ok = Enumerable.Range(0, count).Except(batch.Failures.Select(f => f.Index)).ToArray();
        if (ok.Length == 0) return (null, null, count);
        var pixels = ok.Length == count ? batch.Pixels : batch.Pixels.index_select(0, tensor(ok.Select(i => (long)i).ToArray()));
        using var noGrad = no_grad();
        var input = _model.Preprocessing.Apply(pixels.to(_model.Device));
        // Detached: the session owns cached batches; a caller's dispose scope must not free them.
        var prepared = _ablator.Prepare(input).DetachFromDisposeScope();
        var labels = _labels is null ? null : ok.Select(i => _labels[start + i]).ToArray();
        return (prepared, labels, count - ok.Length);
    }

    private void DropCache()
    {
        if (_cache is not null) foreach (var (t, _) in _cache) t.Dispose();
        _cache = null;
        _cacheComplete = false;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        DropCache();
    }
}
