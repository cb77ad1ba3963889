// A stroke's canvas bits become layer cells by plain loops over adaptive_max_pool2d's bins: checked against the
// tensor path the playground used to run on every stroke (bits → floats → tensor → UnitEdit.RegionAt → bools), for
// canvas sizes that divide the layer evenly and sizes that do not (overlapping bins).
using Dissection.Core.Gan;
using Dissection.Core.Instrumentation;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Gan;

public sealed class PaintStrokeTests
{
    [Theory]
    [InlineData(64, 64, 8)]
    [InlineData(64, 64, 16)]
    [InlineData(37, 23, 8)]
    [InlineData(5, 9, 7)]
    [InlineData(16, 16, 16)]
    public void Pooled_cells_equal_the_tensor_max_pool(int width, int height, int side)
    {
        var rng = new Random(width * 131 + height * 7 + side);
        for (var trial = 0; trial < 20; trial++)
        {
            var bits = new byte[(width * height + 7) / 8];
            // Sparse strokes: a few pixels, so that a cell is on only when a painted pixel really falls in it.
            for (var k = 0; k < 1 + trial; k++)
            {
                var i = rng.Next(width * height);
                bits[i >> 3] |= (byte)(1 << (i & 7));
            }
            var pixels = new float[width * height];
            for (var i = 0; i < pixels.Length; i++) pixels[i] = (bits[i >> 3] >> (i & 7) & 1) != 0 ? 1f : 0f;
            using var scope = NewDisposeScope();
            var expected = UnitEdit.RegionAt(tensor(pixels, [height, width]), side).flatten().data<float>().ToArray().Select(v => v > 0).ToArray();
            Assert.Equal(expected, PaintStroke.PoolPaintedMask(bits, width, height, side));
        }
    }

    [Fact]
    public void Bad_canvases_are_refused_with_the_reason()
    {
        Assert.Contains("needs 32 bytes", Assert.Throws<ArgumentException>(() => PaintStroke.PoolPaintedMask(new byte[31], 16, 16, 4)).Message);
        Assert.Contains("not a canvas size", Assert.Throws<ArgumentException>(() => PaintStroke.PoolPaintedMask([], 0, 16, 4)).Message);
        Assert.Contains("not a grid", Assert.Throws<ArgumentException>(() => PaintStroke.PoolPaintedMask(new byte[32], 16, 16, 0)).Message);
    }

    [Fact]
    public void A_stroke_makes_its_region_once()
    {
        var stroke = new PaintStroke(null, [1], PaintMode.Erase, [], 2, [true, false, false, true]);
        var first = stroke.ToEdit("layer1").Region!;
        Assert.Same(first, stroke.ToEdit("layer1").Region);
        Assert.Equal([1f, 0f, 0f, 1f], first.flatten().data<float>().ToArray());
    }
}
