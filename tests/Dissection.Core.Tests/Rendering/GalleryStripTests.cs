// Gallery strips: thumbnails side by side with white gaps, encoded as PNG (lossless) or JPEG.
using Dissection.Core.Rendering;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Dissection.Core.Tests.Rendering;

public sealed class GalleryStripTests
{
    static readonly Rgb24[] Colours = [new(200, 0, 0), new(0, 200, 0), new(0, 0, 200)];

    static Image<Rgb24> Strip()
    {
        var thumbs = Colours.Select(c => new Image<Rgb24>(10, 10, c)).ToList();
        try { return GalleryStrip.Compose(thumbs); }
        finally { thumbs.ForEach(t => t.Dispose()); }
    }

    [Fact]
    public void Thumbnails_are_separated_by_five_white_pixels()
    {
        using var strip = Strip();
        Assert.Equal(3 * 10 + 2 * 5, strip.Width);
        Assert.Equal(10, strip.Height);
        for (int x = 0; x < strip.Width; x++)
        {
            int block = x / 15, within = x % 15;
            var expected = within < 10 ? Colours[block] : new Rgb24(255, 255, 255);
            Assert.Equal(expected, strip[x, 5]);
        }
    }

    [Fact]
    public void Png_round_trips_exactly_and_jpeg_closely()
    {
        using var strip = Strip();
        using var png = Image.Load<Rgb24>(GalleryStrip.Encode(strip, StripFormat.Png));
        Assert.Equal(strip.Width, png.Width);
        for (int x = 0; x < strip.Width; x++) Assert.Equal(strip[x, 3], png[x, 3]);

        using var jpg = Image.Load<Rgb24>(GalleryStrip.Encode(strip, StripFormat.Jpeg, quality: 95));
        Assert.Equal(strip.Width, jpg.Width);
        var p = jpg[5, 5];
        Assert.True(Math.Abs(p.R - 200) < 20 && p.G < 20 && p.B < 20, $"jpeg pixel {p}");
    }

    [Fact]
    public void Unit_gallery_renders_overlays_and_placeholders_for_bad_files()
    {
        string dir = Path.Combine(Path.GetTempPath(), "strip-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string good = Path.Combine(dir, "good.png");
            using (var img = new Image<Rgb24>(16, 16, new Rgb24(80, 160, 240))) img.SaveAsPng(good);
            float[] hot = [9f], cold = [0f];
            using var strip = GalleryStrip.RenderUnit([good, Path.Combine(dir, "gone.png"), good], [hot, hot, cold], 1, 1, 1f, 8);
            Assert.Equal(3 * 8 + 2 * 5, strip.Width);
            Assert.Equal(new Rgb24(80, 160, 240), strip[4, 4]);                 // fully inside the mask
            Assert.Equal(Placeholder.Background, strip[13 + 7, 7]);           // the missing image
            Assert.Equal(new Rgb24(40, 80, 120), strip[26 + 4, 4]);           // nothing above threshold: dimmed
            Assert.Throws<ArgumentException>(() => GalleryStrip.RenderUnit([good], [hot, hot], 1, 1, 1f, 8));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Empty_list_is_an_argument_error()
    {
        Assert.Throws<ArgumentException>(() => GalleryStrip.Compose([]));
    }
}
