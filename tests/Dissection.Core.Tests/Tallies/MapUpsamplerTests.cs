// The C# upsampler of the dissection's hot loop against the torch matmul version and a direct double-precision
// formula: the same grid, zero padding and weights, for enlarging, shrinking and non-square maps.
using Dissection.Core.Tallies;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Tallies;

public class MapUpsamplerTests
{
    [Theory]
    [InlineData(4, 4, 8, 8)]
    [InlineData(16, 16, 64, 64)]
    [InlineData(128, 128, 64, 64)]
    [InlineData(7, 5, 56, 23)]
    public void Agrees_with_the_torch_upsampling_and_with_the_formula(int h, int w, int height, int width)
    {
        var rng = new Random(h * 100 + width);
        var map = Enumerable.Range(0, h * w).Select(_ => (float)(rng.NextDouble() * 4 - 1)).ToArray();
        var upsampler = new MapUpsampler(h, w, height, width);
        var result = new float[height * width];
        upsampler.Apply(map, new float[upsampler.ScratchLength], result);

        using var torchResult = BilinearUpsampling.Apply(tensor(map, [1, h, w]), height, width);
        var expected = torchResult.flatten().data<float>().ToArray();
        for (var i = 0; i < result.Length; i++) Assert.Equal(expected[i], result[i], 1e-5f);

        double At(int y, int x) => y >= 0 && y < h && x >= 0 && x < w ? map[y * w + x] : 0;
        for (var ty = 0; ty < height; ty += 3)
            for (var tx = 0; tx < width; tx += 5)
            {
                double sy = (ty + 0.5) * h / height - 0.5, sx = (tx + 0.5) * w / width - 0.5;
                int y0 = (int)Math.Floor(sy), x0 = (int)Math.Floor(sx);
                double fy = sy - y0, fx = sx - x0;
                var v = (1 - fy) * ((1 - fx) * At(y0, x0) + fx * At(y0, x0 + 1)) + fy * ((1 - fx) * At(y0 + 1, x0) + fx * At(y0 + 1, x0 + 1));
                Assert.Equal(v, result[ty * width + tx], 1e-5);
            }
    }

    [Fact]
    public void A_map_upsamples_to_the_same_bits_wherever_it_is_computed()
    {
        var rng = new Random(9);
        var map = Enumerable.Range(0, 256).Select(_ => (float)rng.NextDouble()).ToArray();
        var upsampler = new MapUpsampler(16, 16, 64, 64);
        var a = new float[4096];
        var b = new float[4096];
        upsampler.Apply(map, new float[upsampler.ScratchLength], a);
        upsampler.Apply(map, Enumerable.Repeat(float.NaN, upsampler.ScratchLength + 5).ToArray(), b);
        Assert.Equal(a, b);
        Assert.Equal(a, global::Dissection.Core.Rendering.Upsampler.Upsample(map, 16, 16, 64, 64));
    }

    [Theory]
    [InlineData(16, 16, 64, 64, 0.9)]
    [InlineData(128, 128, 64, 64, 0.8)]
    [InlineData(7, 5, 56, 23, 0.95)]
    [InlineData(8, 8, 8, 8, 0.5)]
    [InlineData(6, 6, 30, 30, -0.1)]
    public void Above_lists_exactly_the_pixels_of_the_full_upsampling_at_or_above_the_cut(int h, int w, int height, int width, double level)
    {
        var rng = new Random(h + width);
        // Sparse fp16 maps with a few peaks, as after a ReLU, plus some negative values.
        var bits = Enumerable.Range(0, h * w).Select(_ => BitConverter.HalfToUInt16Bits((Half)(rng.Next(4) == 0 ? rng.NextDouble() * 2 - 0.2 : 0))).ToArray();
        var map = bits.Select(b => Fp16.ToFloat(b)).ToArray();
        var upsampler = new MapUpsampler(h, w, height, width);
        var full = new float[height * width];
        upsampler.Apply(map, new float[upsampler.ScratchLength], full);
        var cut = level > 0 ? Fp16.SmallestRoundingToKey(Fp16.KeyOf((float)level * full.Max())) : (float)level;

        var pixels = new int[height * width];
        var values = new float[height * width];
        var n = upsampler.Above(bits, cut, pixels, values, new bool[h], new float[upsampler.ScratchLength + width]);
        var expected = Enumerable.Range(0, full.Length).Where(p => full[p] >= cut).ToArray();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, pixels[..n]);
        Assert.Equal(expected.Select(p => full[p]), values[..n]);
    }
}
