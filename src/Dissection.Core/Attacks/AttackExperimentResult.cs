// The paper's statistic for one (layer, target, budget): how far attacks toward the target moved the peak activations
// of the target's important units, the source's important units and all other units, with 99 % intervals.
using Dissection.Core.Statistics;
namespace Dissection.Core.Attacks;

/// <summary>One unit group's shifts over the successful attacks: each image contributes its group mean.</summary>
/// <param name="Group">"target", "source" or "other".</param>
/// <param name="AbsDelta">Mean |Δ peak| (the paper's statistic).</param>
/// <param name="Delta">Mean signed Δ peak (positive = raised): the direction the paper describes.</param>
public sealed record GroupStatistics(string Group, MeanInterval AbsDelta, MeanInterval Delta)
{
    public const string Target = "target", Source = "source", Other = "other";
    public static readonly IReadOnlyList<string> Names = [Target, Source, Other];
}

/// <param name="Requested">Images asked for.</param>
/// <param name="Attempted">Images attacked: neither labelled as nor predicted as the target.</param>
/// <param name="Succeeded">Attacks that made the target the top prediction; the groups are measured over these.</param>
/// <param name="MeanSteps">Mean gradient steps per attempted image.</param>
/// <param name="MeanTargetProbability">Mean target probability on the adversarial images (all attempts).</param>
/// <param name="TargetUnits">The target's important units used.</param>
/// <param name="Note">What the reader should know (images skipped and why; classes without ranked units); "" if none.</param>
public sealed record AttackExperimentResult(
    string Layer,
    int Target,
    string TargetName,
    AttackSettings Attack,
    int Requested,
    int Attempted,
    int Succeeded,
    double MeanSteps,
    double MeanTargetProbability,
    double MeanLinf,
    double MeanL2,
    IReadOnlyList<int> TargetUnits,
    IReadOnlyList<GroupStatistics> Groups,
    string Note)
{
    public double SuccessRate => Attempted > 0 ? (double)Succeeded / Attempted : double.NaN;

    public GroupStatistics Group(string name) =>
        Groups.FirstOrDefault(g => g.Group == name) ?? throw new ArgumentException($"no group '{name}'");
}
