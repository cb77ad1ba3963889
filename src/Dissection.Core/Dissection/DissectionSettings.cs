// The knobs of one dissection run. Defaults are the PNAS 2020 ones (top 1 %, IoU > 0.04). Validate() is the one
// range check every entry (CLI flags, dashboard form, queued job) applies.
using Dissection.Core.Work;
using Dissection.Core.Tallies;

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
    public MethodRules Rules => Method switch
    {
        DissectionMethod.Pnas => MethodRules.Pnas,
        DissectionMethod.Cvpr17 => MethodRules.Cvpr17,
        _ => throw new ArgumentOutOfRangeException(nameof(Method), Method, "unknown dissection method"),
    };
    public BadImagePolicy OnBadImage { get; init; } = BadImagePolicy.Skip;
    /// <summary>Bins of the per-unit activation histogram.</summary>
    public int HistogramBins { get; init; } = 64;
    /// <summary>Concepts kept per unit, best first.</summary>
    public int TopConcepts { get; init; } = 5;

    /// <summary>Throws JobParameterException naming the first field out of range (field names as in the CLI's flags:
    /// quantile, iou, topk, batch, limit).</summary>
    public DissectionSettings Validate()
    {
        if (!(Quantile > 0 && Quantile < 1)) throw new JobParameterException("quantile", $"The quantile must be between 0 and 1 (got {Quantile}).");
        if (!(IouThreshold >= 0 && IouThreshold < 1)) throw new JobParameterException("iou", $"The IoU cut-off must be at least 0 and below 1 (got {IouThreshold}).");
        if (TopK is < 0 or > 1000) throw new JobParameterException("topk", $"Top-k must be between 0 and 1000 (got {TopK}).");
        if (BatchSize is < 1 or > 4096) throw new JobParameterException("batch", $"The batch size must be between 1 and 4096 (got {BatchSize}).");
        if (Limit is < 1) throw new JobParameterException("limit", $"The sample limit must be at least 1 (got {Limit}).");
        if (HistogramBins < 2) throw new JobParameterException("histogram-bins", $"The histogram needs at least 2 bins (got {HistogramBins}).");
        if (TopConcepts < 1) throw new JobParameterException("top-concepts", $"Keep at least 1 concept per unit (got {TopConcepts}).");
        if (!Enum.IsDefined(Method)) throw new JobParameterException("method", "The method must be pnas or cvpr17.");
        return this;
    }
}
