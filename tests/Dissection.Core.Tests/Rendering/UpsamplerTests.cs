// The upsampler against a brute-force tent-kernel sum: bilinear on the pixel-centre grid with zero padding.
using Dissection.Core.Rendering;

namespace Dissection.Core.Tests.Rendering;

public sealed class UpsamplerTests
{
    /// <summary>value(T) = sum over all source cells of tent(y - i) * tent(x - j) * a[i,j], cells outside count 0.</summary>
    static float[] BruteForce(float[] a, int h, int w, int H, int W)
    {
        var r = new float[H * W];
        for (int ty = 0; ty < H; ty++)
            for (int tx = 0; tx < W; tx++)
            {
                double y = (ty + 0.5) * h / H - 0.5, x = (tx + 0.5) * w / W - 0.5, sum = 0;
                for (int i = 0; i < h; i++)
                    for (int j = 0; j < w; j++)
                        sum += Math.Max(0, 1 - Math.Abs(y - i)) * Math.Max(0, 1 - Math.Abs(x - j)) * a[i * w + j];
                r[ty * W + tx] = (float)sum;
            }
        return r;
    }

    [Theory]
    [InlineData(2, 3, 8, 12)]
    [InlineData(7, 7, 56, 56)]
    [InlineData(3, 5, 7, 11)]       // non-integer scales
    [InlineData(4, 4, 4, 4)]        // identity
    [InlineData(1, 1, 5, 5)]
    public void Matches_brute_force(int h, int w, int H, int W)
    {
        var rng = new Random(h * 100 + w);
        var a = Enumerable.Range(0, h * w).Select(_ => (float)(rng.NextDouble() * 4 - 1)).ToArray();
        var expected = BruteForce(a, h, w, H, W);
        var actual = Upsampler.Upsample(a, h, w, H, W);
        Assert.Equal(H * W, actual.Length);
        for (int i = 0; i < actual.Length; i++) Assert.Equal(expected[i], actual[i], 1e-5f);
    }

    [Fact]
    public void Identity_size_returns_the_map()
    {
        float[] a = [1, 2, 3, 4, 5, 6];
        Assert.Equal(a, Upsampler.Upsample(a, 2, 3, 2, 3));
    }

    [Fact]
    public void Edges_blend_toward_zero()
    {
        // A constant 1 map, 2 -> 8: target 0 samples x = 0.5/4 - 0.5 = -0.375, i.e. 0.625 of cell 0 and 0.375 of padding.
        var up = Upsampler.Upsample([1f, 1f, 1f, 1f], 2, 2, 8, 8);
        Assert.Equal(0.625f * 0.625f, up[0], 6);
        Assert.Equal(0.625f, up[3 * 8 + 0], 6);                       // interior row, edge column
        Assert.Equal(1f, up[3 * 8 + 3], 6);                           // interior
        Assert.Equal(0.625f * 0.625f, up[63], 6);
    }

    [Fact]
    public void Rejects_a_map_of_the_wrong_length()
    {
        Assert.Throws<ArgumentException>(() => Upsampler.Upsample(new float[5], 2, 3, 4, 4));
    }
}
