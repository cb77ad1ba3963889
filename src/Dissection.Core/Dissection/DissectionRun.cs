// The dissection pipeline: pass 1 (thresholds, top-k, histograms) and pass 2 (IoU counts) for all layers at once.
using Dissection.Core.Datasets;
using Dissection.Core.Models;

namespace Dissection.Core.Dissection;

public static class DissectionRun
{
    /// <summary>
    /// Dissects the given layers. Calls <paramref name="onLayerDone"/> as each layer completes (all layers of
    /// one run finish together when they share passes). Throws OperationCanceledException on cancel.
    /// </summary>
    public static IReadOnlyList<LayerResult> Execute(LoadedModel model, ConceptDataset dataset, IReadOnlyList<string> layers,
        DissectionSettings settings, IProgress<DissectionProgress>? progress = null, CancellationToken cancel = default)
        => throw new NotImplementedException();
}
