// What a generator dissection ran on: the generator and segmenter, the latents (seed, count), the sizes, and the
// Broden-format folder the samples were written to. The store keeps it with the run, so the playground can find a
// generator's runs, regenerate sample i exactly (ZDataset.FromSeed(ZDim, Seed, …).Batch(i, 1)) and the galleries can
// read the images from Folder like any dataset.
namespace Dissection.Core.Gan;

/// <param name="Generator">The generator spec as given (e.g. "proggan:data/models/world-gan.pt").</param>
/// <param name="Segmenter">The segmenter spec as given (e.g. "world-seg:data/models/world-seg.pt").</param>
/// <param name="Seed">Latent i is ZDataset.FromSeed(ZDim, Seed, n).Batch(i, 1) for any n &gt; i.</param>
/// <param name="Count">Samples generated and dissected.</param>
/// <param name="Resolution">Image side in pixels.</param>
/// <param name="SegSize">Side of the segmentation (and of the upsampled activations) used for IoU.</param>
/// <param name="Folder">The Broden-format sample folder (the run's dataset).</param>
public sealed record GanSampleSet(string Generator, string Segmenter, long Seed, int Count, int ZDim, int Resolution, int SegSize, string Folder);
