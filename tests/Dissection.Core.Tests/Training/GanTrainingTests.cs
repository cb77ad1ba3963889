// Training the demo GAN: a run that stops and resumes ends exactly where an uninterrupted run ends, and the shipped
// file is a ProGAN checkpoint that `proggan:PATH` loads.
using Dissection.Core.Generation;
using Dissection.Core.Training;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Training;

public class GanTrainingTests
{
    private static GanTrainingOptions Tiny(string dataset, string output, int iterations) =>
        new(dataset, output, iterations, Seed: 3, Resolution: 8, BatchSize: 4, ZDim: 8, GeneratorWidths: [8, 4],
            DiscriminatorWidths: [4, 8], CheckpointEvery: 2, R1Interval: 2);

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
