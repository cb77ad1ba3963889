// Training the demo GAN: a run that stops and resumes (mid-way through progressive growing) ends exactly where an
// uninterrupted run ends, the shipped file is a ProGAN checkpoint that `proggan:PATH` loads and that computes what the
// fully grown training generator computes, and the growth schedule and fade-ins are what ProGAN prescribes.
using Dissection.Core.Gan;
using Dissection.Core.Training;
using Dissection.Core.Models;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Training;

[Collection(TorchThreadsCollection.Name)]
public class GanTrainingTests
{
    private static GanTrainingOptions Tiny(string dataset, string output, int iterations) =>
        new(dataset, output, iterations, Seed: 3, Resolution: 8, BatchSize: 4, ZDim: 8, GeneratorWidths: [8, 4],
            DiscriminatorWidths: [4, 8], CheckpointEvery: 2, R1Interval: 2, GrowStage: 1);

    [Fact]
    public void Resumed_run_matches_an_uninterrupted_run_exactly()
    {
        using var data = new TinySceneDataset(count: 12, size: 16);
        var straight = data.File("straight/g.pt");
        var resumed = data.File("resumed/g.pt");
        GanTraining.Train(Tiny(data.Root, straight, 4));
        GanTraining.Train(Tiny(data.Root, resumed, 2));
        Assert.True(Directory.Exists(Path.Combine(data.Root, "resumed", "g.train")));
        GanTraining.Train(Tiny(data.Root, resumed, 4));

        using var a = ProgressiveGenerator.Load(straight);
        using var b = ProgressiveGenerator.Load(resumed);
        Assert.Equal(8, a.Resolution);
        using var _ = no_grad();
        using var z = randn(2, 8);
        using var ia = a.call(z);
        using var ib = b.call(z);
        Assert.Equal(0f, (ia - ib).abs().max().item<float>());
        Assert.True(ia.isfinite().all().item<bool>());
    }

    [Fact]
    public void Resuming_with_other_settings_is_refused()
    {
        using var data = new TinySceneDataset(count: 8, size: 16);
        var output = data.File("g.pt");
        GanTraining.Train(Tiny(data.Root, output, 2));
        var e = Assert.Throws<InvalidDataException>(() => GanTraining.Train(Tiny(data.Root, output, 4) with { Seed = 4 }));
        Assert.Contains("other settings", e.Message);
    }

    [Fact]
    public void Growth_schedule_runs_4px_then_a_fade_and_a_stable_stage_per_doubling()
    {
        var s = new GrowthSchedule(StageIterations: 10, MaxLevel: 2);
        var expected = new List<(int, double)>();
        for (var i = 0; i < 10; i++) expected.Add((0, 1.0));                 // 4 px
        for (var i = 0; i < 10; i++) expected.Add((1, i / 10.0));            // 8 px fades in
        for (var i = 0; i < 10; i++) expected.Add((1, 1.0));                 // 8 px stable
        for (var i = 0; i < 10; i++) expected.Add((2, i / 10.0));            // 16 px fades in
        for (var i = 0; i < 30; i++) expected.Add((2, 1.0));                 // 16 px until the end
        Assert.Equal(expected, Enumerable.Range(0, 70).Select(s.At));
        Assert.Equal(40, s.FullyGrownAt);
        Assert.Equal((2, 1.0), new GrowthSchedule(0, 2).At(0));
    }

    [Fact]
    public void Fully_grown_generator_is_the_shipped_generator_and_a_fade_blends_the_upsampled_coarser_image()
    {
        using var g = new GrowingGenerator(ProGanLayout.PerResolution(8, [8, 6, 4]));
        g.InitialiseForTraining(5);
        using var _ = no_grad();
        using var z = randn([3, 8], generator: new Generator(2));
        using var full = g.Forward(z, 2, 1.0);
        using var shipped = g.Shipped.call(z);
        Assert.Equal(0f, (full - shipped).abs().max().item<float>());

        using var coarse = g.Forward(z, 1, 1.0);
        using var fine = g.Forward(z, 2, 1.0);
        using var mid = g.Forward(z, 2, 0.25);
        using var up = nn.functional.interpolate(coarse, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);
        Assert.Equal(new long[] { 3, 3, 8, 8 }, coarse.shape);
        Assert.True(mid.allclose(up * 0.75 + fine * 0.25, rtol: 1e-5, atol: 1e-5));
        using var start = g.Forward(z, 2, 0.0);
        Assert.True(start.allclose(up, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Discriminator_at_full_growth_is_its_plain_forward_and_fades_between_input_paths()
    {
        using var d = new GanDiscriminator(16, [4, 6, 8], seed: 3);
        using var _ = no_grad();
        using var x = randn([4, 3, 16, 16], generator: new Generator(4));
        using var plain = d.call(x);
        using var grown = d.Forward(x, 2, 1.0);
        Assert.Equal(0f, (plain - grown).abs().max().item<float>());
        using var x8 = nn.functional.avg_pool2d(x, 2);
        using var low = d.Forward(x8, 1, 1.0);
        using var faded = d.Forward(x, 2, 0.0);                 // alpha 0: only the coarse path through the pooled image
        Assert.True(low.allclose(faded, rtol: 1e-5, atol: 1e-5));
        Assert.Equal(new long[] { 4 }, d.Forward(nn.functional.avg_pool2d(x, 4), 0, 1.0).shape);
    }

    [Fact]
    public void Minibatch_stddev_channel_equals_the_group_statistic_computed_by_hand()
    {
        using var h = randn(4, 2, 2, 2, generator: new Generator(9));
        using var y = GanDiscriminator.MinibatchStdDev(h);
        Assert.Equal(new long[] { 4, 3, 2, 2 }, y.shape);
        var v = h.data<float>().ToArray();
        // group of 4 = the whole batch: per (c,y,x) population std over the 4 images, averaged over the 8 positions.
        double sum = 0;
        for (var p = 0; p < 8; p++)
        {
            var xs = Enumerable.Range(0, 4).Select(n => (double)v[n * 8 + p]).ToArray();
            var mean = xs.Average();
            sum += Math.Sqrt(xs.Select(x => (x - mean) * (x - mean)).Average() + 1e-8);
        }
        using var extra = y.select(1, 2);
        Assert.All(extra.data<float>().ToArray(), s => Assert.Equal(sum / 8, s, 4));
        Assert.True(y.narrow(1, 0, 2).eq(h).all().item<bool>());
    }
}
