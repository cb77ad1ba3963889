// Progressive growing's schedule (Karras et al. 2018): train at 4×4 first, then for every doubling fade the new
// resolution in over one stage (alpha 0→1) and train it stable for another. The level and alpha are a pure function of
// the iteration, so a resumed run picks up mid-fade exactly where it stopped.
namespace Dissection.Core.Training;

/// <param name="StageIterations">Iterations per stage (the 4×4 stage, every fade-in, every stable stage but the last);
/// 0 trains at the final resolution from the start.</param>
/// <param name="MaxLevel">Index of the final resolution: 4 &lt;&lt; MaxLevel px.</param>
public sealed record GrowthSchedule(int StageIterations, int MaxLevel)
{
    /// <summary>First iteration that runs at the final resolution with alpha 1.</summary>
    public int FullyGrownAt => StageIterations == 0 ? 0 : StageIterations * 2 * MaxLevel;

    /// <summary>Resolution level (0 = 4 px) and fade-in weight of that level's new layers at an iteration.</summary>
    public (int Level, double Alpha) At(int iteration)
    {
        if (StageIterations == 0 || iteration >= FullyGrownAt) return (MaxLevel, 1.0);
        if (iteration < StageIterations) return (0, 1.0);
        var stage = (iteration - StageIterations) / StageIterations;      // 0 = fade of level 1, 1 = its stable stage, …
        var level = stage / 2 + 1;
        if (stage % 2 == 1) return (level, 1.0);
        var into = (iteration - StageIterations) % StageIterations;
        return (level, (double)into / StageIterations);
    }
}
