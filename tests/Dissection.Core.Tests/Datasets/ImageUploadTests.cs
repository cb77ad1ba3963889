// Images users bring: too large files, renamed non-images, decompression bombs and unsupported formats are refused
// with a reason that names the problem; odd aspect ratios, grayscale, palette and WebP images decode to RGB.
using Dissection.Core.Datasets;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace Dissection.Core.Tests.Datasets;

public class ImageUploadTests
{
    private static byte[] Png<TPixel>(Image<TPixel> image) where TPixel : unmanaged, IPixel<TPixel>
    {
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    [Fact]
    public void A_file_over_ten_megabytes_is_refused_by_its_length()
    {
        var e = Assert.Throws<BadImageException>(() => ImageUpload.CheckLength(ImageUpload.MaxBytes + 1, "big.jpg"));
        Assert.StartsWith("too large", e.Reason);
        Assert.Contains("10 MB", e.Reason);
        Assert.Contains("big.jpg", e.Message);
        // The bytes themselves too: a valid PNG header padded past the limit.
        using var tiny = new Image<Rgb24>(4, 4);
        var padded = Png(tiny).Concat(new byte[ImageUpload.MaxBytes]).ToArray();
        Assert.StartsWith("too large", Assert.Throws<BadImageException>(() => ImageUpload.Decode(padded, "big.png")).Reason);
        ImageUpload.CheckLength(ImageUpload.MaxBytes, "exactly-ten.jpg");
    }

    [Fact]
    public void A_renamed_text_file_is_not_an_image()
    {
        var bytes = "%PDF-1.4 this is a document, not a photo"u8.ToArray();
        var e = Assert.Throws<BadImageException>(() => ImageUpload.Decode(bytes, "holiday.jpg"));
        Assert.StartsWith("not an image", e.Reason);
        Assert.Contains("renamed", e.Reason);
        Assert.Equal("holiday.jpg", e.FilePath);
    }

    [Fact]
    public void A_decompression_bomb_is_refused_from_its_header()
    {
        var bomb = RawPng.Bomb(60000, 60000);
        Assert.True(bomb.Length < 200, $"the bomb is {bomb.Length} bytes");
        var e = Assert.Throws<BadImageException>(() => ImageUpload.Decode(bomb, "bomb.png"));
        Assert.StartsWith("too large", e.Reason);
        Assert.Contains("60000x60000", e.Reason);
        Assert.Contains("40 megapixels", e.Reason);
        Assert.Null(e.InnerException);        // refused by the header check, not by a failed allocation
    }

    [Fact]
    public void Just_over_forty_megapixels_is_refused_and_the_format_is_checked()
    {
        Assert.StartsWith("too large", Assert.Throws<BadImageException>(() => ImageUpload.Check(RawPng.Bomb(8000, 5001), "wide.png")).Reason);
        using var gif = new Image<Rgb24>(8, 8);
        using var stream = new MemoryStream();
        gif.Save(stream, new GifEncoder());
        var e = Assert.Throws<BadImageException>(() => ImageUpload.Check(stream.ToArray(), "anim.gif"));
        Assert.Contains("unsupported format GIF", e.Reason);
    }

    [Fact]
    public void Truncated_png_is_corrupt_not_a_crash()
    {
        using var image = new Image<Rgb24>(64, 64, new Rgb24(1, 2, 3));
        var bytes = Png(image);
        var e = Assert.Throws<BadImageException>(() => ImageUpload.Decode(bytes[..(bytes.Length / 2)], "half.png"));
        Assert.Equal("half.png", e.FilePath);
    }

    [Fact]
    public void One_to_eight_grayscale_and_webp_images_decode_to_rgb()
    {
        using var tall = new Image<Rgb24>(16, 128, new Rgb24(10, 200, 30));
        using (var decoded = ImageUpload.Decode(Png(tall), "tall.png"))
        {
            Assert.Equal((16, 128), (decoded.Width, decoded.Height));
            Assert.Equal(new Rgb24(10, 200, 30), decoded[3, 100]);
        }
        using var gray = new Image<L8>(30, 20, new L8(77));
        Assert.Equal("PNG", ImageUpload.Check(Png(gray), "gray.png"));
        using (var decoded = ImageUpload.Decode(Png(gray), "gray.png")) Assert.Equal(new Rgb24(77, 77, 77), decoded[5, 5]);

        using var webp = new MemoryStream();
        tall.Save(webp, new WebpEncoder { FileFormat = WebpFileFormatType.Lossless });
        Assert.Equal("WEBP", ImageUpload.Check(webp.ToArray(), "tall.webp"));
        using (var decoded = ImageUpload.Decode(webp.ToArray(), "tall.webp")) Assert.Equal(new Rgb24(10, 200, 30), decoded[3, 100]);
        Assert.Equal(".webp", ImageUpload.Extension("WEBP"));
    }
}
