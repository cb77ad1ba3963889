// Bilinear upsampling of a raw unit activation map to image resolution, on the PNAS grid with zero padding. The rule
// lives in Tallies/MapUpsampler, which the dissection's IoU counting also uses, so thumbnails and tallies agree.
using Dissection.Core.Tallies;

namespace Dissection.Core.Rendering;

public static class Upsampler
{
    /// <summary>Upsamples a row-major h x w map to height x width.</summary>
    public static float[] Upsample(ReadOnlySpan<float> map, int h, int w, int height, int width)
    {
        var upsampler = new MapUpsampler(h, w, height, width);
        if (map.Length != h * w) throw new ArgumentException($"map has {map.Length} values, expected {h}x{w} = {h * w}");
        var result = new float[height * width];
        upsampler.Apply(map, new float[upsampler.ScratchLength], result);
        return result;
    }
}
