// The teaching page's live IoU: one image's unit region and concept pixels, and their counts, against a brute force
// (per-pixel bilinear with pixel-centre alignment and zero padding, fp16 rounding, label planes and image labels).
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;

namespace Dissection.Core.Tests.Dissection;

public class ImageOverlapTests
{
    private static double Bilinear(float[] map, int h, int w, int ty, int tx, int height, int width)
    {
        double sy = (ty + 0.5) * h / height - 0.5, sx = (tx + 0.5) * w / width - 0.5;
        int y0 = (int)Math.Floor(sy), x0 = (int)Math.Floor(sx);
        double fy = sy - y0, fx = sx - x0;
        double At(int y, int x) => y >= 0 && y < h && x >= 0 && x < w ? map[y * w + x] : 0.0;
        return (1 - fy) * ((1 - fx) * At(y0, x0) + fx * At(y0, x0 + 1)) + fy * ((1 - fx) * At(y0 + 1, x0) + fx * At(y0 + 1, x0 + 1));
    }

    [Theory]
    [InlineData(0.5f, 7)]
    [InlineData(1.5f, 7)]
    [InlineData(2.5f, 7)]
    [InlineData(1.0f, 9)]  // an image-level label: every pixel is the concept's
    public void Region_concept_pixels_and_counts_equal_a_brute_force(float threshold, int concept)
    {
        const int mh = 5, mw = 6, h = 20, w = 24;
        var rng = new Random(3);
        var map = Enumerable.Range(0, mh * mw).Select(_ => (float)(rng.NextDouble() * 4 - 0.5)).ToArray();
        var objects = Enumerable.Range(0, h * w).Select(i => i % w is > 4 and < 15 && i / w > 6 ? 7 : 0).ToArray();
        var parts = Enumerable.Range(0, h * w).Select(i => i % 7 == 0 ? 7 : 3).ToArray();
        var labels = new PixelLabels(h, w, [objects, parts], [9], ["object", "part"]);

        var o = ImageOverlap.Measure(map, mh, mw, threshold, labels, concept);

        long both = 0, either = 0;
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
            {
                var v = Bilinear(map, mh, mw, y, x, h, w);
                // fp16 moves a value by at most 2^-11 relative: only values that close to the cut may disagree.
                var near = Math.Abs(v - threshold) <= Math.Abs(threshold) * Math.Pow(2, -10) + 1e-6;
                var inUnit = v > threshold;
                if (!near) Assert.Equal(inUnit, o.Unit[y * w + x]);
                else inUnit = o.Unit[y * w + x];
                var inConcept = concept == 9 || objects[y * w + x] == concept || parts[y * w + x] == concept;
                Assert.Equal(inConcept, o.Concept[y * w + x]);
                if (inUnit && inConcept) both++;
                if (inUnit || inConcept) either++;
            }
        Assert.Equal((both, either), (o.Intersection, o.Union));
        Assert.Equal(either == 0 ? 0 : (double)both / either, o.Iou, 12);
        Assert.True(o.Intersection > 0 || threshold > 2, "the cases should overlap");
        Assert.Equal((double)(o.Intersection * 2) / (o.Union * 2), ImageOverlap.Total([o, o]), 12);
    }
}
