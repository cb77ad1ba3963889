// The dissection pipeline's entry point: picks the images (split, limit), wires the model (LayerProbe) and the dataset
// (parallel image decoding, labels) into DissectionPipeline, which runs pass 1 (model, once) and the cache passes.
using System.Runtime.ExceptionServices;
using Dissection.Core.Datasets;
using Dissection.Core.Models;
using Dissection.Core.Probing;
using static TorchSharp.torch;

namespace Dissection.Core.Dissection;

public static class DissectionRun
{
    /// <summary>
    /// Dissects the given layers. All layers share the passes, so they all finish together; results come back in
    /// the order of <paramref name="layers"/>. Throws OperationCanceledException on cancel; the activation cache is
    /// deleted on every exit path.
    /// </summary>
    public static IReadOnlyList<LayerResult> Execute(LoadedModel model, ConceptDataset dataset, IReadOnlyList<string> layers,
        DissectionSettings settings, IProgress<DissectionProgress>? progress = null, CancellationToken cancel = default)
        => Execute(model, dataset, layers, settings, progress, cancel, cacheRoot: null);

    /// <param name="cacheRoot">Folder for the activation cache (default: the system temp folder).</param>
    internal static IReadOnlyList<LayerResult> Execute(LoadedModel model, ConceptDataset dataset, IReadOnlyList<string> layers,
        DissectionSettings settings, IProgress<DissectionProgress>? progress, CancellationToken cancel, string? cacheRoot)
    {
        var images = SelectImages(dataset.Images, settings);
        if (images.Count == 0)
            throw new ArgumentException(settings.Split is null ? "the dataset has no images" : $"the dataset has no images in split '{settings.Split}'");
        using var probe = new LayerProbe(model, layers);
        var inputs = new DissectionInputs(
            images,
            batch => LoadBatch(dataset, batch, model.Preprocessing.InputSize, settings.OnBadImage, cancel),
            pixels =>
            {
                // No dispose scope here: the probe hands its activations to the caller, who disposes them.
                var moved = pixels.to(model.Device);
                var input = model.Preprocessing.Apply(moved);
                try
                {
                    var (acts, output) = probe.Run(input);
                    output.Dispose();
                    return acts;
                }
                finally
                {
                    input.Dispose();
                    moved.Dispose();
                }
            },
            dataset.HasLabels ? dataset.LoadLabels : null,
            dataset.Concepts,
            dataset.Categories);
        return DissectionPipeline.Run(inputs, layers, settings, progress, cancel, cacheRoot);
    }

    /// <summary>The first Limit images of the split, in index order.</summary>
    public static IReadOnlyList<DatasetImage> SelectImages(IReadOnlyList<DatasetImage> all, DissectionSettings settings)
    {
        var chosen = all.Where(i => settings.Split is null || string.Equals(i.Split, settings.Split, StringComparison.OrdinalIgnoreCase))
            .OrderBy(i => i.Index);
        return (settings.Limit is { } limit ? chosen.Take(limit) : chosen).ToList();
    }

    /// <summary>Decodes a batch in parallel. Labels are decoded too (and dropped) so that an image whose labels are
    /// unreadable is skipped in pass 1 rather than failing pass 2 after its activations were counted.</summary>
    internal static LoadedBatch LoadBatch(ConceptDataset dataset, IReadOnlyList<DatasetImage> batch, int size, BadImagePolicy policy,
        CancellationToken cancel)
    {
        var pixels = new Tensor?[batch.Count];
        var errors = new string?[batch.Count];
        try
        {
            Parallel.For(0, batch.Count, new ParallelOptions { CancellationToken = cancel }, i =>
            {
                try
                {
                    if (dataset.HasLabels) dataset.LoadLabels(batch[i]);
                    pixels[i] = dataset.LoadImage(batch[i], size);
                }
                catch (Exception e) when (IsBadImage(e))
                {
                    errors[i] = e.Message;
                }
            });
        }
        catch (AggregateException e)
        {
            foreach (var p in pixels) p?.Dispose();
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        var bad = Enumerable.Range(0, batch.Count).Where(i => errors[i] is not null).ToList();
        if (bad.Count > 0 && policy == BadImagePolicy.Fail)
        {
            foreach (var p in pixels) p?.Dispose();
            var i = bad[0];
            throw new InvalidDataException($"bad image {batch[i].Path}: {errors[i]}");
        }
        var ok = Enumerable.Range(0, batch.Count).Where(i => errors[i] is null).ToList();
        Tensor? stacked = null;
        if (ok.Count > 0)
        {
            stacked = stack(ok.Select(i => pixels[i]!).ToArray());
        }
        foreach (var p in pixels) p?.Dispose();
        return new LoadedBatch(ok.Select(i => batch[i]).ToList(), stacked, bad.Select(i => batch[i].Path).ToList());
    }

    private static bool IsBadImage(Exception e) =>
        e is IOException or InvalidDataException or UnauthorizedAccessException
        || e.GetType().Name is "BadImageException" or "DatasetFormatException"
        || e.GetType().Namespace?.StartsWith("SixLabors", StringComparison.Ordinal) == true;
}
