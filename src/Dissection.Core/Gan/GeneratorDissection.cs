// Generator dissection (network-dissection.md §5.2): the samples of a z dataset, written and segmented by GanSamples,
// are dissected by the SAME pipeline as a classifier on a concept dataset: the "model pass" runs the generator on
// each batch's latents and captures the block outputs, the labels are the segmenter's, and thresholds (top quantile
// of activations upsampled to the segmentation size), IoU summed over the dataset, top-k and histograms are the
// pipeline's own. Only the forward pass differs.
using Dissection.Core.Datasets;
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
        foreach (var layer in layers) GeneratorBlocks.IndexOf(generator, layer);
        if (samples.Images.Count != z.Count)
            throw new ArgumentException($"{samples.Root} has {samples.Images.Count} samples, the z dataset {z.Count}; regenerate the samples");
        var images = DissectionRun.SelectImages(samples.Images, settings with { Split = null });
        if (images.Count == 0) throw new ArgumentException("the z dataset has no samples");
        var inputs = new DissectionInputs(
            images,
            batch => new LoadedBatch(batch, Latents(z, batch), []),
            latents => GeneratorBlocks.Capture(generator, latents, layers),
            samples.LoadLabels,
            samples.Concepts,
            samples.Categories);
        var untrimmed = settings with { Split = null, TopConcepts = Math.Max(settings.TopConcepts, samples.Concepts.Count) };
        return DissectionPipeline.Run(inputs, layers, untrimmed, progress, cancel, cacheRoot);
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
