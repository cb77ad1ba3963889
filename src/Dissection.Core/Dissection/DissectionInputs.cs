// What the dissection pipeline consumes, decoupled from the model and dataset classes: a batch loader, a forward
// pass returning per-layer activations, a label reader and the label vocabulary. DissectionRun builds it from a
// LoadedModel + ConceptDataset; tests build it from plain functions.
using Dissection.Core.Datasets;
using static TorchSharp.torch;

namespace Dissection.Core.Dissection;

/// <summary>A loaded batch: the images that decoded (with their pixels, (B,3,S,S)), and the paths that did not.</summary>
internal sealed record LoadedBatch(IReadOnlyList<DatasetImage> Images, Tensor? Pixels, IReadOnlyList<string> Skipped) : IDisposable
{
    public void Dispose() => Pixels?.Dispose();
}

internal sealed record DissectionInputs(
    IReadOnlyList<DatasetImage> Images,
    /// <summary>Loads one batch; with BadImagePolicy.Fail it throws instead of skipping.</summary>
    Func<IReadOnlyList<DatasetImage>, LoadedBatch> Load,
    /// <summary>Runs the model on loaded pixels; returns layer -> (B,U,h,w); the caller disposes the tensors.</summary>
    Func<Tensor, IReadOnlyDictionary<string, Tensor>> Forward,
    /// <summary>null when the dataset has no labels.</summary>
    Func<DatasetImage, PixelLabels>? Labels,
    /// <summary>Indexed by label number; entry 0 is the unlabelled placeholder.</summary>
    IReadOnlyList<Concept> Concepts,
    IReadOnlyList<string> Categories);
