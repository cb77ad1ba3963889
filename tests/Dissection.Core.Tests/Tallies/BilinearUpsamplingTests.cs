// The interpolation-matrix upsampler equals a per-pixel bilinear with pixel-centre alignment and zero padding.
using Dissection.Core.Tallies;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Tallies;

public class BilinearUpsamplingTests
{
    private static double BruteForce(float[,] map, int ty, int tx, int height, int width)
    {
        int h = map.GetLength(0), w = map.GetLength(1);
        double sy = (ty + 0.5) * h / height - 0.5, sx = (tx + 0.5) * w / width - 0.5;
        int y0 = (int)Math.Floor(sy), x0 = (int)Math.Floor(sx);
        double fy = sy - y0, fx = sx - x0;
        double At(int y, int x) => y >= 0 && y < h && x >= 0 && x < w ? map[y, x] : 0.0;
        return (1 - fy) * ((1 - fx) * At(y0, x0) + fx * At(y0, x0 + 1)) + fy * ((1 - fx) * At(y0 + 1, x0) + fx * At(y0 + 1, x0 + 1));
    }

    [Theory]
    [InlineData(4, 4, 8, 8)]
    [InlineData(14, 14, 56, 56)]
    [InlineData(3, 5, 7, 11)]
    [InlineData(6, 6, 6, 6)]
    [InlineData(1, 1, 4, 4)]
    [InlineData(8, 8, 3, 3)]
    public void Matrices_equal_per_pixel_bilinear_with_zero_padding(int h, int w, int height, int width)
    {
        var rng = new Random(h * 100 + w);
        var maps = new float[2, 3, h, w];
        for (var b = 0; b < 2; b++) for (var c = 0; c < 3; c++) for (var y = 0; y < h; y++) for (var x = 0; x < w; x++)
            maps[b, c, y, x] = (float)(rng.NextDouble() * 4 - 1);
        using var input = tensor(maps);
        using var up = BilinearUpsampling.Apply(input, height, width);
        Assert.Equal(new long[] { 2, 3, height, width }, up.shape);
        var got = up.data<float>().ToArray();
        for (var b = 0; b < 2; b++) for (var c = 0; c < 3; c++)
        {
            var map = new float[h, w];
            for (var y = 0; y < h; y++) for (var x = 0; x < w; x++) map[y, x] = maps[b, c, y, x];
            for (var ty = 0; ty < height; ty++) for (var tx = 0; tx < width; tx++)
                Assert.Equal(BruteForce(map, ty, tx, height, width), got[((b * 3 + c) * height + ty) * width + tx], 1e-5);
        }
    }

    [Fact]
    public void Edge_pixels_blend_toward_zero()
    {
        using var map = ones(1, 1, 2, 2);
        using var up = BilinearUpsampling.Apply(map, 4, 4);
        // Corner samples source (-0.25,-0.25): 0.75*0.75 of the map, the rest is padding.
        Assert.Equal(0.5625f, up[0, 0, 0, 0].item<float>(), 6);
        Assert.Equal(1f, up[0, 0, 1, 1].item<float>(), 6);
    }
}
