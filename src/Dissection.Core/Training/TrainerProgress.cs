// Progress of a training run (segmenter, GAN), for the CLI's log lines and a dashboard job.
namespace Dissection.Core.Training;

/// <param name="Losses">Named running losses, e.g. ("loss", 0.41) or ("d", 1.2), ("g", 0.9).</param>
/// <param name="Message">Occasional milestones: evaluation results, checkpoint written.</param>
public sealed record TrainerProgress(string Phase, long Step, long TotalSteps, double SecondsPerStep,
    IReadOnlyList<(string Name, double Value)> Losses, string? Message = null)
{
    public override string ToString()
    {
        var losses = string.Join(" ", Losses.Select(l => $"{l.Name} {l.Value:F3}"));
        var eta = TimeSpan.FromSeconds(Math.Max(0, TotalSteps - Step) * SecondsPerStep);
        return Message ?? $"{Phase} {Step}/{TotalSteps} {losses} {SecondsPerStep * 1000:F0} ms/step eta {(int)eta.TotalHours}h{eta.Minutes:D2}m";
    }
}
