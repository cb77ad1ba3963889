// One image's share of a unit–concept IoU, counted as the dissection counts it (README "How a dissection computes its
// numbers"): the unit's raw map upsampled to the segmentation size (Tallies/MapUpsampler), rounded to fp16, and the
// unit's region = value > threshold; the concept's pixels = every pixel of a label plane that holds the concept, or
// every pixel when the image carries it as an image-level label. The teaching page redraws and re-adds these live.
using Dissection.Core.Datasets;
using Dissection.Core.Tallies;

namespace Dissection.Core.Dissection;

/// <param name="Unit">The unit's region, Height x Width, row-major.</param>
/// <param name="Concept">The concept's pixels, same grid.</param>
public sealed record ImageOverlap(int Height, int Width, bool[] Unit, bool[] Concept, long Intersection, long Union)
{
    public double Iou => Union == 0 ? 0 : (double)Intersection / Union;

    /// <summary>
    /// The overlap of a unit's map with one concept in one image at <paramref name="threshold"/>.
    /// </summary>
    /// <param name="map">The raw map, mapHeight x mapWidth, row-major (as stored with a unit's top images).</param>
    /// <param name="concept">The concept's label number in the dataset.</param>
    public static ImageOverlap Measure(ReadOnlySpan<float> map, int mapHeight, int mapWidth, float threshold, PixelLabels labels, int concept)
    {
        if (map.Length != mapHeight * mapWidth) throw new ArgumentException($"map has {map.Length} values, expected {mapHeight}x{mapWidth}");
        int h = labels.SegHeight, w = labels.SegWidth;
        var upsampler = new MapUpsampler(mapHeight, mapWidth, h, w);
        var values = new float[h * w];
        upsampler.Apply(map, new float[upsampler.ScratchLength], values);
        var unit = new bool[h * w];
        for (var i = 0; i < unit.Length; i++) unit[i] = Fp16.ToFloat(Fp16.Round(values[i])) > threshold;

        var everywhere = labels.ImageLabels.Contains(concept);
        var pixels = new bool[h * w];
        for (var i = 0; i < pixels.Length; i++)
        {
            if (everywhere) { pixels[i] = true; continue; }
            foreach (var plane in labels.Planes)
                if (plane[i] == concept) { pixels[i] = true; break; }
        }
        long both = 0, either = 0;
        for (var i = 0; i < unit.Length; i++)
        {
            if (unit[i] && pixels[i]) both++;
            if (unit[i] || pixels[i]) either++;
        }
        return new ImageOverlap(h, w, unit, pixels, both, either);
    }

    /// <summary>The IoU over several images: counts added before dividing, as the dissection does.</summary>
    public static double Total(IEnumerable<ImageOverlap> images)
    {
        long both = 0, either = 0;
        foreach (var o in images) { both += o.Intersection; either += o.Union; }
        return either == 0 ? 0 : (double)both / either;
    }
}
