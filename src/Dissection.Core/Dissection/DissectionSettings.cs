// The knobs of one dissection run. Defaults are the PNAS 2020 ones (top 1 %, IoU > 0.04).
namespace Dissection.Core.Dissection;

public enum DissectionMethod { Pnas, Cvpr17 }

public enum BadImagePolicy { Skip, Fail }

public sealed record DissectionSettings
{
    /// <summary>Fraction of a unit's activations above its threshold (0.01 = top 1 %).</summary>
    public double Quantile { get; init; } = 0.01;
    /// <summary>A unit is a detector when its best IoU exceeds this.</summary>
    public double IouThreshold { get; init; } = 0.04;
    /// <summary>Top images kept per unit, ranked by the unit's spatial max.</summary>
    public int TopK { get; init; } = 12;
    public int BatchSize { get; init; } = 32;
    /// <summary>Use at most this many images (after the split filter); null = all.</summary>
    public int? Limit { get; init; }
    /// <summary>Only images of this split ("train", "val"); null = every image.</summary>
    public string? Split { get; init; }
    public DissectionMethod Method { get; init; } = DissectionMethod.Pnas;
    /// <summary>The method's rules, which the pipeline follows; serialized with the settings, so that a stored run
    /// records them (ResultsStore reads them back as RunInfo.RecordedRules).</summary>
    public MethodRules Rules => MethodRules.For(Method);
    public BadImagePolicy OnBadImage { get; init; } = BadImagePolicy.Skip;
    /// <summary>Bins of the per-unit activation histogram.</summary>
    public int HistogramBins { get; init; } = 64;
    /// <summary>Concepts kept per unit, best first.</summary>
    public int TopConcepts { get; init; } = 5;
}
