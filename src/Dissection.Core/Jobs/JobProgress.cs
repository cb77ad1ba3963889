// How far a running job is: the phase in human words, a count within the phase, and the expected time left in it.
namespace Dissection.Core.Jobs;

/// <param name="Phase">Human words: "pass 1: model", "saving".</param>
/// <param name="Done">Items finished in this phase.</param>
/// <param name="Total">Items in this phase; 0 when unknown.</param>
/// <param name="EtaSeconds">Expected seconds left in this phase, from its rate so far; null until it can be told.</param>
public sealed record JobProgress(string Phase, long Done, long Total, double? EtaSeconds)
{
    public double Fraction => Total <= 0 ? 0 : Math.Clamp((double)Done / Total, 0, 1);
}
