// Labels are exact: a drawn object's label mask is precisely the set of pixels it painted, the polygon rasteriser
// agrees with a brute-force point-in-polygon test, and label downsampling is a true per-block majority.
using Dissection.Core.World;

namespace Dissection.Core.Tests.World;

public class LabelExactnessTests
{
    private static readonly Rgb Magenta = new(255, 0, 255);

    private delegate void Painter(Canvas cv, ref WorldRng r);

    public static TheoryData<string> Objects => new() { "tree", "house", "car", "boat", "person", "cow", "bed", "sofa", "lamp", "cabinet", "mountain", "cactus" };

    private static Painter PainterFor(string name) => name switch
    {
        "tree" => (Canvas cv, ref WorldRng r) => ObjectPainter.Tree(cv, ref r, 64, 120, 90, false),
        "house" => (Canvas cv, ref WorldRng r) => ObjectPainter.House(cv, ref r, 64, 110, 60),
        "car" => (Canvas cv, ref WorldRng r) => ObjectPainter.Car(cv, ref r, 64, 100, 70),
        "boat" => (Canvas cv, ref WorldRng r) => ObjectPainter.Boat(cv, ref r, 64, 100, 70),
        "person" => (Canvas cv, ref WorldRng r) => ObjectPainter.Person(cv, ref r, 64, 120, 80),
        "cow" => (Canvas cv, ref WorldRng r) => ObjectPainter.Cow(cv, ref r, 64, 110, 70),
        "bed" => (Canvas cv, ref WorldRng r) => ObjectPainter.Bed(cv, ref r, 64, 110, 90),
        "sofa" => (Canvas cv, ref WorldRng r) => ObjectPainter.Sofa(cv, ref r, 64, 110, 90),
        "lamp" => (Canvas cv, ref WorldRng r) => ObjectPainter.Lamp(cv, ref r, 64, 120, 90),
        "cabinet" => (Canvas cv, ref WorldRng r) => ObjectPainter.Cabinet(cv, ref r, 64, 110, 50, 60),
        "mountain" => (Canvas cv, ref WorldRng r) => ObjectPainter.Mountain(cv, ref r, 64, 100, 110, 70, true, false),
        "cactus" => (Canvas cv, ref WorldRng r) => ObjectPainter.Cactus(cv, ref r, 64, 120, 90),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Objects))]
    public void Object_mask_covers_exactly_the_painted_pixels(string name)
    {
        var number = (ushort)WorldCatalog.Number(name);
        for (var seed = 0; seed < 5; seed++)
        {
            var cv = new Canvas(128);
            cv.FillRect(0, 0, 128, 128, new Paint(0, 0, 0, Texture.Flat, Magenta) with { Seed = 0 });
            // Flat texture adds noise: repaint the background exactly so "changed" is unambiguous.
            for (var i = 0; i < 128 * 128; i++) { cv.Rgb[3 * i] = 255; cv.Rgb[3 * i + 1] = 0; cv.Rgb[3 * i + 2] = 255; }
            var r = new WorldRng(seed, 1);
            PainterFor(name)(cv, ref r);

            var labelled = 0;
            for (var i = 0; i < 128 * 128; i++)
            {
                var changed = cv.Rgb[3 * i] != 255 || cv.Rgb[3 * i + 1] != 0 || cv.Rgb[3 * i + 2] != 255;
                var l = cv.Object[i];
                Assert.True(l == 0 || l == number || name == "house", $"{name}: unexpected label {l} at pixel {i}");
                Assert.True(changed == (l != 0), $"{name} seed {seed}: pixel ({i % 128},{i / 128}) changed={changed} but label={l}");
                if (l != 0) labelled++;
                if (l == 0) Assert.True(cv.Part[i] == 0 && cv.Material[i] == 0, "part/material outside the object");
            }
            Assert.True(labelled > 200, $"{name}: only {labelled} pixels drawn");
        }
    }

    [Fact]
    public void House_owns_its_windows_and_door_as_objects_and_roof_as_part()
    {
        var cv = new Canvas(128);
        var r = new WorldRng(2, 2);
        ObjectPainter.House(cv, ref r, 64, 110, 70);
        var objects = cv.Object.Where(v => v != 0).Distinct().ToHashSet();
        Assert.Contains((ushort)WorldCatalog.Number("house"), objects);
        Assert.Contains((ushort)WorldCatalog.Number("door"), objects);
        Assert.Contains((ushort)WorldCatalog.Number("roof"), cv.Part);
        for (var i = 0; i < cv.Part.Length; i++)
            if (cv.Part[i] == WorldCatalog.Number("roof")) Assert.Equal(WorldCatalog.Number("house"), cv.Object[i]);
    }

    [Fact]
    public void Polygon_fill_matches_brute_force_point_in_polygon()
    {
        var rng = new WorldRng(9, 9);
        for (var trial = 0; trial < 30; trial++)
        {
            var n = rng.Int(3, 9);
            var xy = new float[2 * n];
            for (var k = 0; k < 2 * n; k++) xy[k] = rng.Range(-10, 42);
            var cv = new Canvas(32);
            cv.FillPolygon(xy, new Paint(7, 0, 0, Texture.Flat, Magenta));
            for (var y = 0; y < 32; y++)
            for (var x = 0; x < 32; x++)
            {
                // Even-odd rule at the pixel centre, by ray casting.
                bool inside = false;
                float px = x + 0.5f, py = y + 0.5f;
                for (int i = 0, j = n - 1; i < n; j = i++)
                {
                    float xi = xy[2 * i], yi = xy[2 * i + 1], xj = xy[2 * j], yj = xy[2 * j + 1];
                    if ((yi <= py) != (yj <= py) && px >= xi + (py - yi) * (xj - xi) / (yj - yi)) inside = !inside;
                }
                Assert.True(inside == (cv.Object[y * 32 + x] == 7), $"trial {trial}: pixel ({x},{y}) inside={inside}");
            }
        }
    }

    [Fact]
    public void Ellipse_fill_matches_its_equation()
    {
        var cv = new Canvas(40);
        cv.FillEllipse(17.3f, 21.8f, 12.5f, 7.2f, new Paint(3, 0, 0, Texture.Flat, Magenta));
        for (var y = 0; y < 40; y++)
        for (var x = 0; x < 40; x++)
        {
            float dx = (x + 0.5f - 17.3f) / 12.5f, dy = (y + 0.5f - 21.8f) / 7.2f;
            var inside = dx * dx + dy * dy < 1;
            // Pixels within float rounding of the boundary may go either way.
            if (MathF.Abs(dx * dx + dy * dy - 1) < 1e-3f) continue;
            Assert.True(inside == (cv.Object[y * 40 + x] == 3), $"pixel ({x},{y})");
        }
    }

    [Fact]
    public void Majority_downsampling_picks_the_most_frequent_label_per_block()
    {
        var rng = new WorldRng(4, 4);
        const int size = 12, f = 3;
        var labels = new ushort[size * size];
        for (var i = 0; i < labels.Length; i++) labels[i] = (ushort)rng.Int(0, 3);
        var seg = WorldRenderer.Majority(labels, size, f);
        for (var sy = 0; sy < size / f; sy++)
        for (var sx = 0; sx < size / f; sx++)
        {
            var block = new List<ushort>();
            for (var dy = 0; dy < f; dy++) for (var dx = 0; dx < f; dx++) block.Add(labels[(sy * f + dy) * size + sx * f + dx]);
            var max = block.GroupBy(v => v).Max(g => g.Count());
            Assert.Equal(max, block.Count(v => v == seg[sy * (size / f) + sx]));
        }
    }
}
