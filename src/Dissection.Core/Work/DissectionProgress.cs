// Progress of a long run, reported to the CLI progress bar and to the dashboard's job host.
namespace Dissection.Core.Work;

/// <param name="Phase">Human words: "pass 1: thresholds", "pass 2: IoU", "saving".</param>
public sealed record DissectionProgress(string Phase, long Done, long Total, double ImagesPerSecond)
{
    public double Fraction => Total <= 0 ? 0 : Math.Clamp((double)Done / Total, 0, 1);
}
