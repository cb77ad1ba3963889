// The knobs of an ablation run. Defaults follow the reference: 4 important units per class, the PNAS group sizes.
using Dissection.Core.Work;
namespace Dissection.Core.Ablation;

public sealed record AblationSettings
{
    public int BatchSize { get; init; } = 32;
    /// <summary>Only images of this split ("train", "val"); null = every image.</summary>
    public string? Split { get; init; }
    /// <summary>Use at most this many images (after the split filter); null = all.</summary>
    public int? Limit { get; init; }
    /// <summary>Units to ablate one at a time; null = every unit of the layer.</summary>
    public IReadOnlyList<int>? Units { get; init; }
    /// <summary>Ignore the dataset's labels and measure agreement with the unablated model instead.</summary>
    public bool LabelFree { get; init; }
    /// <summary>Units per class kept as its "important units" (the paper's cut-off is 4).</summary>
    public int ImportantCount { get; init; } = 4;
    /// <summary>Also measure the two group-ablation curves per class (needs every unit ablated).</summary>
    public bool GroupCurves { get; init; } = true;
    /// <summary>Cache the layer's outputs in memory up to this many bytes so later passes skip the head.</summary>
    public long CacheBytes { get; init; } = 512L << 20;
    /// <summary>Rank units by their single-ablation damage on this split (e.g. "train", as the paper does) instead of
    /// the measured images; every reported number is still measured on the measured images. Null = rank on them.</summary>
    public string? RankSplit { get; init; }
    /// <summary>Use at most this many images of the ranking split; null = all.</summary>
    public int? RankLimit { get; init; }
    /// <summary>Random unit sets drawn per group size as the chance baseline of the remove-top curve (0 = none).</summary>
    public int RandomDraws { get; init; } = 20;
    /// <summary>Seed of the random unit sets.</summary>
    public int RandomSeed { get; init; } = 1;
    /// <summary>Upper bound on the bytes of one stacked tail batch (K masked copies of a batch).</summary>
    public long StackBytes { get; init; } = 64L << 20;

    /// <summary>Throws JobParameterException naming the first field out of range (as the CLI's flags: batch, limit,
    /// important, units).</summary>
    public AblationSettings Validate()
    {
        if (BatchSize is < 1 or > 4096) throw new Work.JobParameterException("batch", $"The batch size must be between 1 and 4096 (got {BatchSize}).");
        if (Limit is < 1) throw new Work.JobParameterException("limit", $"The image limit must be at least 1 (got {Limit}).");
        if (ImportantCount < 1) throw new Work.JobParameterException("important", $"Keep at least 1 important unit per class (got {ImportantCount}).");
        if (RankLimit is < 1) throw new Work.JobParameterException("rank-limit", $"The ranking image limit must be at least 1 (got {RankLimit}).");
        if (RandomDraws < 0) throw new Work.JobParameterException("random-draws", $"The random draws must be 0 or more (got {RandomDraws}).");
        if (Units is { Count: 0 }) throw new Work.JobParameterException("units", "The unit list is empty; leave it empty for all units.");
        if (Units?.FirstOrDefault(u => u < 0) is < 0 and var bad) throw new Work.JobParameterException("units", $"Unit {bad} is not a unit number.");
        return this;
    }
}
