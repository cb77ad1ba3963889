// Time left and durations shown next to running jobs.
using Dissection.Core.Dissection;
using Dissection.Core.Storage;
using Dissection.Dashboard.Services;

namespace Dissection.Dashboard.Tests.Services;

public class RunProgressTextTests
{
    private static readonly DateTime Now = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    private static RunInfo Run(RunStatus status, double progress, DateTime? started, DateTime? finished = null) =>
        new(1, "r", "m", "d", ["l"], new DissectionSettings(), status, null, 0, Now.AddHours(-1), started, finished, progress, null, 0);

    [Fact]
    public void Time_left_extrapolates_the_pace_so_far() =>
        Assert.Equal(TimeSpan.FromSeconds(30), RunProgressText.TimeLeft(Run(RunStatus.Running, 0.25, Now.AddSeconds(-10)), Now));

    [Fact]
    public void No_estimate_before_progress_or_after_the_end()
    {
        Assert.Null(RunProgressText.TimeLeft(Run(RunStatus.Running, 0, Now.AddSeconds(-10)), Now));
        Assert.Null(RunProgressText.TimeLeft(Run(RunStatus.Done, 1, Now.AddSeconds(-10)), Now));
    }

    [Fact]
    public void Duration_runs_until_the_finish_time()
    {
        Assert.Equal(TimeSpan.FromMinutes(2), RunProgressText.Duration(Run(RunStatus.Done, 1, Now.AddMinutes(-5), Now.AddMinutes(-3)), Now));
        Assert.Equal(TimeSpan.FromMinutes(5), RunProgressText.Duration(Run(RunStatus.Running, 0.5, Now.AddMinutes(-5)), Now));
        Assert.Null(RunProgressText.Duration(Run(RunStatus.Queued, 0, null), Now));
    }

    [Theory]
    [InlineData(0.4, "<1 s")]
    [InlineData(42, "42 s")]
    [InlineData(125, "2 min 05 s")]
    [InlineData(3725, "1 h 02 min")]
    public void Durations_read_naturally(double seconds, string text) =>
        Assert.Equal(text, RunProgressText.Format(TimeSpan.FromSeconds(seconds)));
}
