// The hot colour map: black at the minimum, white at the maximum, red one third of the way.
using Dissection.Core.Rendering;
using SixLabors.ImageSharp.PixelFormats;

namespace Dissection.Core.Tests.Rendering;

public sealed class HeatmapTests
{
    [Fact]
    public void Hot_colour_ramp()
    {
        Assert.Equal(new Rgb24(0, 0, 0), Heatmap.Hot(0f));
        Assert.Equal(new Rgb24(255, 0, 0), Heatmap.Hot(1f / 3f));
        Assert.Equal(new Rgb24(255, 255, 0), Heatmap.Hot(2f / 3f));
        Assert.Equal(new Rgb24(255, 255, 255), Heatmap.Hot(1f));
        Assert.Equal(new Rgb24(0, 0, 0), Heatmap.Hot(float.NaN));
    }

    [Fact]
    public void Render_scales_the_upsampled_map_to_its_range()
    {
        using var img = Heatmap.Render([0f, 0f, 0f, 10f], 2, 2, 4);
        var up = Upsampler.Upsample([0f, 0f, 0f, 10f], 2, 2, 4, 4);
        float lo = up.Min(), hi = up.Max();
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 4; x++)
                Assert.Equal(Heatmap.Hot((up[y * 4 + x] - lo) / (hi - lo)), img[x, y]);
        Assert.Equal(new Rgb24(255, 255, 255), img[2, 2]);              // the peak of the upsampled map
    }
}
