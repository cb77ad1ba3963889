// IoU counts (summed over the dataset) equal a brute-force per-pixel count: multi-label pixels, duplicate labels across
// planes, image-level labels covering the whole image, label 0 ignored (PNAS rules), and CVPR17's (Lite's) rules:
// every plane counts, and the mask term of a concept counts the images where the mask touches its primary category.
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Tallies;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Tallies;

public class IouTallyTests
{
    private static readonly string[] Categories = ["object", "part", "scene"];
    private static readonly Concept[] Concepts =
    [
        new(0, "-", ""), new(1, "tree", "object"), new(2, "sky", "object"), new(3, "leaf", "part"),
        new(4, "door", "part"), new(5, "forest", "scene"), new(6, "street", "scene"),
    ];

    private const int H = 4, W = 5, P = H * W, Units = 3;

    private static (bool[] Masks, PixelLabels[] Labels) RandomData(int images, int seed)
    {
        var rng = new Random(seed);
        var masks = Enumerable.Range(0, images * Units * P).Select(_ => rng.NextDouble() < 0.3).ToArray();
        var labels = Enumerable.Range(0, images).Select(i =>
        {
            var planes = Enumerable.Range(0, 1 + i % 2).Select(_ => Enumerable.Range(0, P).Select(_ => rng.Next(5)).ToArray()).ToList();
            int[] imageLabels = i % 3 == 0 ? [5] : i % 3 == 1 ? [6, 5] : [];
            if (i == 1) planes[0][3] = 5;   // an image-level label also present in a plane
            var cats = new List<string> { "object" };
            if (planes.Count > 1) cats.Add("part");
            if (imageLabels.Length > 0) cats.Add("scene");
            return new PixelLabels(H, W, planes, imageLabels, cats);
        }).ToArray();
        return (masks, labels);
    }

    private static double BruteIou(bool[] masks, PixelLabels[] labels, int unit, int concept, bool lite)
    {
        double i = 0, a = 0, g = 0;
        var category = Concepts[concept].Category;
        for (var img = 0; img < labels.Length; img++)
        {
            var l = labels[img];
            // Lite: the image's mask counts for the concept's category when it touches a label of that category or the
            // image has an image-level label of it.
            var touched = l.ImageLabels.Any(c => Concepts[c].Category == category);
            for (var p = 0; p < P; p++)
                if (masks[(img * Units + unit) * P + p] && l.Planes.Any(pl => pl[p] > 0 && Concepts[pl[p]].Category == category)) touched = true;
            for (var p = 0; p < P; p++)
            {
                var m = masks[(img * Units + unit) * P + p];
                // PNAS: once per pixel; Lite: once per plane and per image-level entry.
                var has = lite ? l.ImageLabels.Count(c => c == concept) + l.Planes.Count(pl => pl[p] == concept)
                    : l.ImageLabels.Contains(concept) || l.Planes.Any(pl => pl[p] == concept) ? 1 : 0;
                if (m) i += has;
                if (m && (!lite || touched)) a++;
                g += has;
            }
        }
        var union = a + g - i;
        if (lite) return i / (union + 1e-10);
        return union > 0 ? i / union : 0;
    }

    private static IouTally Tally(bool[] masks, PixelLabels[] labels, bool lite, int batch)
    {
        var rules = lite ? MethodRules.Cvpr17 : MethodRules.Pnas;
        var tally = new IouTally(Units, Concepts, Categories, rules);
        using var all = tensor(masks, [labels.Length, Units, P]);
        for (var start = 0; start < labels.Length; start += batch)
        {
            var n = Math.Min(batch, labels.Length - start);
            using var part = all.narrow(0, start, n).permute(1, 0, 2);
            tally.Add(part, labels[start..(start + n)], rules.LabelCounting);
        }
        return tally;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Iou_equals_brute_force(bool lite)
    {
        var (masks, labels) = RandomData(7, 11);
        var tally = Tally(masks, labels, lite, batch: 3);
        for (var u = 0; u < Units; u++)
            for (var c = 1; c < Concepts.Length; c++)
                Assert.Equal(BruteIou(masks, labels, u, c, lite), tally.Iou(u, c), 12);
    }

    [Fact]
    public void Merging_two_shards_equals_one_tally()
    {
        var (masks, labels) = RandomData(6, 4);
        var whole = Tally(masks, labels, false, 6);
        var a = Tally(masks[..(2 * Units * P)], labels[..2], false, 2);
        var b = Tally(masks[(2 * Units * P)..], labels[2..], false, 4);
        a.Merge(b);
        Assert.Equal(whole.Intersections, a.Intersections);
        Assert.Equal(whole.LabelPixels, a.LabelPixels);
        Assert.Equal(whole.MaskPixels, a.MaskPixels);
    }

    [Fact]
    public void A_label_outside_the_vocabulary_is_named()
    {
        var tally = new IouTally(Units, Concepts, Categories, MethodRules.Pnas);
        var labels = new PixelLabels(H, W, [Enumerable.Repeat(9, P).ToArray()], [], ["object"]);
        using var masks = zeros([Units, 1, P], ScalarType.Bool);
        var e = Assert.Throws<InvalidDataException>(() => tally.Add(masks, [labels]));
        Assert.Contains("label 9", e.Message);
    }
}
