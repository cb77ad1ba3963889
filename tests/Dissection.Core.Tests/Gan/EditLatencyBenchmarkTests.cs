// bench-gan's measurement runs the page's path for every simulated user and counts every timed request once; the
// sessions it drove leave the shared generator untouched (no edit hook stays behind).
using Dissection.Core.Gan;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Gan;

public sealed class EditLatencyBenchmarkTests
{
    [Fact]
    public async Task Every_user_times_its_edits_and_full_generations_and_the_generator_is_left_as_it_was()
    {
        using var g = GanFixture.Generator();
        using var shared = new SharedGenerator("fixture", g);
        using var z = randn(2, 8, generator: new Generator(1));
        using var before = g.call(z);
        var r = await EditLatencyBenchmark.RunAsync(shared, "layer3", users: 3, editsPerUser: 7, unitsPerEdit: 4, warmup: 1);
        Assert.Equal((21, 21), (r.Edit.Samples, r.Full.Samples));
        Assert.Equal((3, 7, 4), (r.Users, r.EditsPerUser, r.UnitsPerEdit));
        Assert.True(r.Edit.P50Ms > 0 && r.Edit.P50Ms <= r.Edit.P95Ms);
        Assert.True(r.Full.P50Ms > 0 && r.Full.P50Ms <= r.Full.P95Ms);
        using var after = g.call(z);
        Assert.True(before.eq(after).all().item<bool>());
        await Assert.ThrowsAsync<ArgumentException>(() => EditLatencyBenchmark.RunAsync(shared, "output_8x8"));
    }

    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        var values = Enumerable.Range(1, 20).Select(i => (double)i).Reverse().ToList();
        Assert.Equal(new LatencySummary(20, 10, 19), LatencySummary.Of(values));
        Assert.Equal(new LatencySummary(1, 4, 4), LatencySummary.Of([4.0]));
    }
}
