// What the ablation experiment (AblationRunner) measures with: an AblationSession in this process, or the same
// measurements split into shards of unit sets across workers (ShardedUnitSets).
using Dissection.Core.Work;

namespace Dissection.Core.Ablation;

public interface IUnitSetEvaluator
{
    string Layer { get; }
    int UnitCount { get; }
    /// <summary>Model class names, indexed by model output.</summary>
    IReadOnlyList<string> Classes { get; }
    bool Labelled { get; }
    /// <summary>"split" or "hooks" (see StackedAblation).</summary>
    string Method { get; }
    string Split { get; }
    /// <summary>Images measured (known after the first Evaluate).</summary>
    int Images { get; }
    string Note { get; }
    /// <summary>Sets measured together: each set's numbers depend on its stack [jK, (j+1)K) of the list asked.</summary>
    int StackSize { get; }

    /// <summary>Result[0] is the unablated baseline, result[i + 1] belongs to removed[i]. Each set's metrics depend
    /// only on the set, the images and the sets of its stack (StackSize).</summary>
    IReadOnlyList<ClassMetrics> Evaluate(IReadOnlyList<IReadOnlyCollection<int>> removed,
        IProgress<DissectionProgress>? progress = null, CancellationToken cancel = default, string phase = "ablation");
}
