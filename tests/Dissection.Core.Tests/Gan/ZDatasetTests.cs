// Seeded latents: deterministic, independent of count and batching, standard normal; file latents checked for shape.
using Dissection.Core.Gan;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Gan;

public class ZDatasetTests
{
    [Fact]
    public void Same_seed_gives_the_same_latents_and_another_seed_different_ones()
    {
        using var a = ZDataset.FromSeed(16, seed: 1, count: 4).All();
        using var b = ZDataset.FromSeed(16, seed: 1, count: 4).All();
        using var c = ZDataset.FromSeed(16, seed: 2, count: 4).All();
        Assert.True(a.eq(b).all().item<bool>());
        Assert.False(a.eq(c).all().item<bool>());
    }

    [Fact]
    public void Latent_i_does_not_depend_on_the_count_or_the_batch_size()
    {
        using var ten = ZDataset.FromSeed(8, 5, 10).All();
        var five = ZDataset.FromSeed(8, 5, 5);
        using var firstFive = five.All();
        Assert.True(ten.narrow(0, 0, 5).eq(firstFive).all().item<bool>());
        var batched = ZDataset.FromSeed(8, 5, 10).Batches(3).Select(b => b.Z).ToList();
        Assert.Equal([3, 3, 3, 1], batched.Select(b => (int)b.shape[0]));
        using var joined = cat(batched, 0);
        Assert.True(ten.eq(joined).all().item<bool>());
    }

    [Fact]
    public void Rows_are_standard_normal_and_distinct()
    {
        using var z = ZDataset.FromSeed(512, 1, 64).All();
        Assert.Equal(new long[] { 64, 512 }, z.shape);
        Assert.InRange(z.mean().item<float>(), -0.05f, 0.05f);
        Assert.InRange(z.std().item<float>(), 0.95f, 1.05f);
        using var corr = corrcoef(z);
        using var off = corr - eye(64);
        Assert.True(off.abs().max().item<float>() < 0.25f);
    }

    [Fact]
    public void Npy_latents_must_match_the_generator_latent_size()
    {
        using var dir = new TempDir();
        var path = dir.File("z.npy");
        Npy.Write(path, new float[12], [3, 4]);
        using var ok = ZDataset.FromNpy(path, 4);
        Assert.Equal(3, ok.Count);
        Assert.Null(ok.Seed);
        var e = Assert.Throws<InvalidDataException>(() => ZDataset.FromNpy(path, 512));
        Assert.Contains("(N, 512)", e.Message);
    }
}
