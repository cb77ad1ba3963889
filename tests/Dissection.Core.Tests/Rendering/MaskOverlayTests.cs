// The overlay rules: inside the mask unchanged, outside halved, a yellow ring exactly on the outside border.
using Dissection.Core.Rendering;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Dissection.Core.Tests.Rendering;

public sealed class MaskOverlayTests
{
    static Image<Rgb24> Gradient(int size)
    {
        var img = new Image<Rgb24>(size, size);
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                img[x, y] = new Rgb24((byte)(x * 9 + 3), (byte)(y * 9 + 5), (byte)((x + y) * 4 + 1));
        return img;
    }

    [Fact]
    public void Inside_unchanged_outside_halved_ring_yellow_just_outside()
    {
        const int size = 24;
        float[] map = [0, 0, 0, 0, 5, 0, 0, 0, 0];                      // one hot cell in a 3x3 map
        const float threshold = 2f;
        using var source = Gradient(size);
        using var thumb = MaskOverlay.Render(source, map, 3, 3, threshold, size);

        var up = Upsampler.Upsample(map, 3, 3, size, size);
        bool In(int x, int y) => x >= 0 && y >= 0 && x < size && y < size && up[y * size + x] > threshold;
        int inside = 0, ring = 0, dimmed = 0;
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                var s = source[x, y];
                var p = thumb[x, y];
                bool near = false;
                for (int dy = -1; dy <= 1; dy++) for (int dx = -1; dx <= 1; dx++) near |= (dx != 0 || dy != 0) && In(x + dx, y + dy);
                if (In(x, y)) { Assert.Equal(s, p); inside++; }
                else if (near) { Assert.Equal(new Rgb24(255, 255, 0), p); ring++; }
                else { Assert.Equal(new Rgb24((byte)(s.R / 2), (byte)(s.G / 2), (byte)(s.B / 2)), p); dimmed++; }
            }
        Assert.True(inside > 0 && ring > 0 && dimmed > 0, $"inside {inside}, ring {ring}, dimmed {dimmed}");
        Assert.Equal(new Rgb24(3, 5, 1), source[0, 0]);                 // the source image is not modified
    }

    [Fact]
    public void Mask_is_the_upsampled_map_above_threshold()
    {
        float[] map = [0, 1, 2, 3];
        var mask = MaskOverlay.Mask(map, 2, 2, 1.5f, 8);
        var up = Upsampler.Upsample(map, 2, 2, 8, 8);
        Assert.Equal(up.Select(v => v > 1.5f), mask);
    }

    [Fact]
    public void Image_is_resized_to_the_thumbnail_size()
    {
        using var source = new Image<Rgb24>(40, 30, new Rgb24(100, 100, 100));
        using var thumb = MaskOverlay.Render(source, [0f], 1, 1, 1f, 16);
        Assert.Equal(16, thumb.Width);
        Assert.Equal(16, thumb.Height);
        Assert.Equal(new Rgb24(50, 50, 50), thumb[8, 8]);              // empty mask: all dimmed, no ring
    }

    [Fact]
    public void Missing_or_corrupt_file_gives_a_placeholder_not_an_exception()
    {
        string dir = Path.Combine(Path.GetTempPath(), "overlay-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string corrupt = Path.Combine(dir, "bad.jpg");
            File.WriteAllText(corrupt, "not a jpeg");
            foreach (var path in new[] { Path.Combine(dir, "missing.jpg"), corrupt })
            {
                using var thumb = MaskOverlay.RenderFileOrPlaceholder(path, [1f, 2f, 3f, 4f], 2, 2, 0f, 64);
                Assert.Equal(64, thumb.Width);
                Assert.Equal(64, thumb.Height);
                Assert.Equal(Placeholder.Background, thumb[63, 63]);
                int text = 0;
                for (int y = 0; y < 64; y++) for (int x = 0; x < 64; x++) if (thumb[x, y].Equals(Placeholder.TextColour)) text++;
                Assert.True(text > 10, "the placeholder should show its reason");
            }
            string good = Path.Combine(dir, "good.png");
            using (var img = new Image<Rgb24>(8, 8, new Rgb24(90, 90, 90))) img.SaveAsPng(good);
            using var ok = MaskOverlay.RenderFileOrPlaceholder(good, [9f], 1, 1, 0f, 8);
            Assert.Equal(new Rgb24(90, 90, 90), ok[4, 4]);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Layer_over_the_plain_thumbnail_looks_like_the_rendered_overlay()
    {
        // The HTML report stores each image once and lays one transparent layer per unit over it: composited the way
        // a browser does (source-over), it must give Render's pixels, to within the 1/255 of alpha 128 vs 1/2.
        const int size = 24;
        float[] map = [0, 1, 0, 4, 5, 0, 0, 3, 0];
        const float threshold = 2f;
        using var source = Gradient(size);
        using var rendered = MaskOverlay.Render(source, map, 3, 3, threshold, size);
        using var plain = MaskOverlay.Thumbnail(source, size);
        using var layer = MaskOverlay.Layer(MaskOverlay.Mask(map, 3, 3, threshold, size), size, size);
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                var (b, l, r) = (plain[x, y], layer[x, y], rendered[x, y]);
                double a = l.A / 255.0;
                byte Over(byte under, byte over) => (byte)Math.Round(over * a + under * (1 - a));
                Assert.InRange(Over(b.R, l.R) - r.R, -1, 1);
                Assert.InRange(Over(b.G, l.G) - r.G, -1, 1);
                Assert.InRange(Over(b.B, l.B) - r.B, -1, 1);
            }
    }
}
