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
    public void Empty_list_is_an_argument_error()
    {
        Assert.Throws<ArgumentException>(() => GalleryStrip.Compose([]));
    }
}
