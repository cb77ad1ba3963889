// Generator dissection (network-dissection.md §5.2): the samples of a z dataset, written and segmented by GanSamples,
// are dissected by the SAME pipeline as a classifier on a concept dataset: the "model pass" runs the generator on
// each batch's latents and captures the block outputs, the labels are the segmenter's, and thresholds (top quantile
// of activations upsampled to the segmentation size), IoU summed over the dataset, top-k and histograms are the
// pipeline's own. Only the forward pass differs.
using Dissection.Core.Datasets;
using Dissection.Core.Instrumentation;
using Dissection.Core.Dissection;
using Dissection.Core.Work;
using Dissection.Core.Models;
using static TorchSharp.torch;

namespace Dissection.Core.Gan;

public static class GeneratorDissection
{
    /// <summary>
    /// Dissects generator layers on its samples. The results' TopConcepts are untrimmed (every concept with IoU &gt; 0,
    /// best first) so that SaveRun can keep the full ranking; Settings.TopConcepts applies when saving.
    /// </summary>
    /// <param name="samples">The folder GanSamples.Materialize wrote for these latents (image i = latent i).</param>
    /// <exception cref="ArgumentException">an unknown layer (the message lists them), or samples that do not match the latents.</exception>
    public static IReadOnlyList<LayerResult> Execute(ProgressiveGenerator generator, ConceptDataset samples, ZDataset z,
        IReadOnlyList<string> layers, DissectionSettings settings, IProgress<DissectionProgress>? progress = null,
        CancellationToken cancel = default, string? cacheRoot = null)
    {
        var images = Check(generator, samples, z, layers, settings);
        return DissectionPipeline.Run(Inputs(generator, samples, z, images, layers), layers, Untrimmed(settings, samples), progress, cancel, cacheRoot);
    }

    /// <summary>What a coordinator of a sharded generator dissection needs (ShardedDissection.RunAsync); the settings
    /// are the ones <see cref="Execute"/> runs with.</summary>
    public static DissectionScope ShardScope(ConceptDataset samples, DissectionSettings settings)
    {
        var images = DissectionRun.SelectImages(samples.Images, settings with { Split = null });
        if (images.Count == 0) throw new ArgumentException("the z dataset has no samples");
        return new DissectionScope(images, samples.Concepts, samples.Categories, samples.HasLabels, Untrimmed(settings, samples));
    }

    /// <summary>One shard of latents of the dissection <see cref="Execute"/> runs at once: the worker makes the latents
    /// of its range itself (z:SEED:COUNT is deterministic per index) and reads their labels from the samples folder.</summary>
    public static DissectionShard OpenShard(ProgressiveGenerator generator, ConceptDataset samples, ZDataset z,
        IReadOnlyList<string> layers, DissectionSettings settings, ShardRange range, string? cacheRoot = null)
    {
        var selected = Check(generator, samples, z, layers, settings);
        if (range.First < 0 || range.Count < 1 || range.First + range.Count > selected.Count)
            throw new ArgumentException($"shard {range.First}..{range.First + range.Count} lies outside the {selected.Count} samples");
        var images = selected.Skip(range.First).Take(range.Count).ToList();
        return new DissectionShard(_ => (Inputs(generator, samples, z, images, layers), null), layers, Untrimmed(settings, samples), cacheRoot,
            (double)range.Count / selected.Count);
    }

    private static IReadOnlyList<DatasetImage> Check(ProgressiveGenerator generator, ConceptDataset samples, ZDataset z,
        IReadOnlyList<string> layers, DissectionSettings settings)
    {
        foreach (var layer in layers) generator.IndexOfBlock(layer);
        if (samples.Images.Count != z.Count)
            throw new ArgumentException($"{samples.Root} has {samples.Images.Count} samples, the z dataset {z.Count}; regenerate the samples");
        var images = DissectionRun.SelectImages(samples.Images, settings with { Split = null });
        if (images.Count == 0) throw new ArgumentException("the z dataset has no samples");
        return images;
    }

    private static DissectionSettings Untrimmed(DissectionSettings settings, ConceptDataset samples) =>
        settings with { Split = null, TopConcepts = Math.Max(settings.TopConcepts, samples.Concepts.Count) };

    private static DissectionInputs Inputs(ProgressiveGenerator generator, ConceptDataset samples, ZDataset z,
        IReadOnlyList<DatasetImage> images, IReadOnlyList<string> layers)
    {
        var instrumented = InstrumentedModel.Of(generator);
        return new DissectionInputs(
            images,
            batch => new LoadedBatch(batch, Latents(z, batch), []),
            latents =>
            {
                // The pass stops after the deepest layer: the image-resolution output block never runs.
                using var retained = instrumented.Retain(layers);
                return retained.Capture(latents);
            },
            samples.LoadLabels,
            samples.Concepts,
            samples.Categories);
    }

    /// <summary>The latents of a batch of sample images: image i is latent i.</summary>
    private static Tensor Latents(ZDataset z, IReadOnlyList<DatasetImage> batch)
    {
        var first = batch[0].Index;
        if (batch.Select((img, i) => img.Index == first + i).All(x => x)) return z.Batch(first, batch.Count);
        using var scope = NewDisposeScope();
        return cat(batch.Select(img => z.Batch(img.Index, 1)).ToList(), 0).MoveToOuterDisposeScope();
    }
}
