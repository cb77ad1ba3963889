// The dissection pipeline's entry point: picks the images (split, limit), wires the model (its instrumented model, retaining the layers) and the dataset
// (parallel image decoding, labels) into DissectionPipeline, which runs pass 1 (model, once) and the cache passes.
using Dissection.Core.Datasets;
using Dissection.Core.Models;
using Dissection.Core.Probing;
using Dissection.Core.Work;
using Dissection.Core.Tallies;
using static TorchSharp.torch;

namespace Dissection.Core.Dissection;

public static class DissectionRun
{
    /// <summary>
    /// Dissects the given layers. All layers share the passes, so they all finish together; results come back in
    /// the order of <paramref name="layers"/>. Throws OperationCanceledException on cancel; the activation cache is
    /// deleted on every exit path.
    /// </summary>
    /// <param name="cacheRoot">Folder for the activation cache (default: the system temp folder).</param>
    public static IReadOnlyList<LayerResult> Execute(LoadedModel model, ConceptDataset dataset, IReadOnlyList<string> layers,
        DissectionSettings settings, IProgress<DissectionProgress>? progress = null, CancellationToken cancel = default,
        string? cacheRoot = null)
    {
        var images = SelectImages(dataset.Images, settings);
        if (images.Count == 0)
            throw new ArgumentException(settings.Split is null ? "the dataset has no images" : $"the dataset has no images in split '{settings.Split}'");
        using var probe = model.Instrumented.Retain(layers, asHalf: true);
        return DissectionPipeline.Run(Inputs(model, dataset, images, probe, settings, cancel), layers, settings, progress, cancel, cacheRoot);
    }

    /// <summary>What a coordinator of a sharded dissection of the dataset needs (ShardedDissection.RunAsync).</summary>
    public static DissectionScope ShardScope(ConceptDataset dataset, DissectionSettings settings)
    {
        var images = SelectImages(dataset.Images, settings);
        if (images.Count == 0)
            throw new ArgumentException(settings.Split is null ? "the dataset has no images" : $"the dataset has no images in split '{settings.Split}'");
        var (concepts, categories) = ConceptsFor(dataset, settings.Rules);
        return new DissectionScope(images, concepts, categories, dataset.HasLabels, settings);
    }

    /// <summary>One shard of the dissection that <see cref="Execute"/> runs at once: the images of
    /// <paramref name="range"/> among the selected ones. The shard holds a probe on the model during its pass 1 only.</summary>
    public static DissectionShard OpenShard(LoadedModel model, ConceptDataset dataset, IReadOnlyList<string> layers,
        DissectionSettings settings, ShardRange range, string? cacheRoot = null) =>
        OpenShard(model, dataset, layers, settings, range, cacheRoot, share: null);

    /// <param name="share">Overrides the shard's share of the images that sets its floors (tests: 1 sets them as high as
    /// a lone process would, so that the coordinator's window passes run).</param>
    internal static DissectionShard OpenShard(LoadedModel model, ConceptDataset dataset, IReadOnlyList<string> layers,
        DissectionSettings settings, ShardRange range, string? cacheRoot, double? share)
    {
        var selected = SelectImages(dataset.Images, settings);
        if (range.First < 0 || range.Count < 1 || range.First + range.Count > selected.Count)
            throw new ArgumentException($"shard {range.First}..{range.First + range.Count} lies outside the {selected.Count} selected images");
        var images = selected.Skip(range.First).Take(range.Count).ToList();
        return new DissectionShard(cancel =>
        {
            var probe = model.Instrumented.Retain(layers, asHalf: true);
            return (Inputs(model, dataset, images, probe, settings, cancel), probe);
        }, layers, settings, cacheRoot, share ?? (double)range.Count / selected.Count);
    }

    private static DissectionInputs Inputs(LoadedModel model, ConceptDataset dataset, IReadOnlyList<DatasetImage> images,
        Instrumentation.RetainedLayers probe, DissectionSettings settings, CancellationToken cancel)
    {
        var (concepts, categories) = ConceptsFor(dataset, settings.Rules);
        return new DissectionInputs(
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
            concepts,
            categories);
    }

    /// <summary>The dataset's concepts with the primary categories the rules ask for, and the category order that
    /// label ties are broken by (category.csv's for the coverage rule, as NetDissect-Lite reads them).</summary>
    internal static (IReadOnlyList<Concept> Concepts, IReadOnlyList<string> Categories) ConceptsFor(ConceptDataset dataset, MethodRules rules)
    {
        if (rules.PrimaryCategory != PrimaryCategory.Coverage) return (dataset.Concepts, dataset.Categories);
        var categories = dataset.Coverage.Ordered(dataset.Categories);
        return (dataset.Coverage.PrimaryByCoverage(dataset.Concepts, categories), categories);
    }

    /// <summary>The first Limit images of the split, in index order.</summary>
    public static IReadOnlyList<DatasetImage> SelectImages(IReadOnlyList<DatasetImage> all, DissectionSettings settings)
    {
        var chosen = all.Where(i => settings.Split is null || string.Equals(i.Split, settings.Split, StringComparison.OrdinalIgnoreCase))
            .OrderBy(i => i.Index);
        return (settings.Limit is { } limit ? chosen.Take(limit) : chosen).ToList();
    }

    /// <summary>Decodes a batch with the dataset's parallel loader. Labels are decoded too (and dropped) so that an
    /// image whose labels are unreadable is skipped in pass 1 rather than failing pass 2 after it was counted.</summary>
    internal static LoadedBatch LoadBatch(ConceptDataset dataset, IReadOnlyList<DatasetImage> batch, int size, BadImagePolicy policy,
        CancellationToken cancel)
    {
        var errors = new string?[batch.Count];
        if (dataset.HasLabels)
        {
            Parallel.For(0, batch.Count, new ParallelOptions { CancellationToken = cancel, MaxDegreeOfParallelism = Workers }, i =>
            {
                try { dataset.LoadLabels(batch[i]); }
                // The mask's own file is named in the message: a broken mask is not blamed on its picture.
                catch (DatasetFormatException e) { errors[i] = $"image {batch[i].Path} has a broken mask: {e.Message}"; }
            });
        }
        using var loaded = dataset.LoadImages(batch, size, Workers);
        foreach (var f in loaded.Failures) errors[f.Index] ??= $"bad image {batch[f.Index].Path}: {f.Reason}";
        var bad = Enumerable.Range(0, batch.Count).Where(i => errors[i] is not null).ToList();
        if (bad.Count > 0 && policy == BadImagePolicy.Fail)
            throw new InvalidDataException(errors[bad[0]]!);
        var ok = Enumerable.Range(0, batch.Count).Where(i => errors[i] is null).ToList();
        var pixels = ok.Count == 0 ? null
            : ok.Count == batch.Count ? loaded.Pixels.alias()
            : loaded.Pixels.index_select(0, tensor(ok.Select(i => (long)i).ToArray()));
        return new LoadedBatch(ok.Select(i => batch[i]).ToList(), pixels, bad.Select(i => batch[i].Path).ToList());
    }

    private static int Workers => Math.Max(1, Environment.ProcessorCount);
}
