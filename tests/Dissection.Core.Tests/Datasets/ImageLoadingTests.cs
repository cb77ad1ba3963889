// Decoding images to (3,size,size) floats, and refusing missing, corrupt and oversized files with BadImageException.
using System.Text;
using Dissection.Core.Datasets;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Datasets;

public sealed class ImageLoadingTests : IDisposable
{
    readonly BrodenFixture _fixture = new();
    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Solid_image_decodes_to_its_colour_at_any_size()
    {
        var ds = ConceptDataset.Open(_fixture.Root);
        using var t = ds.LoadImage(ds.Images[0], 6);                     // 8x8 (10,20,30) -> 6x6
        Assert.Equal([3L, 6, 6], t.shape);
        Assert.Equal(ScalarType.Float32, t.dtype);
        var v = t.data<float>().ToArray();
        for (int i = 0; i < 36; i++)
        {
            Assert.Equal(10f / 255f, v[i], 5);
            Assert.Equal(20f / 255f, v[36 + i], 5);
            Assert.Equal(30f / 255f, v[72 + i], 5);
        }
    }

    [Fact]
    public void Channels_are_planar_rgb_in_row_major_order()
    {
        using (var img = new Image<Rgb24>(2, 2))
        {
            img[0, 0] = new Rgb24(255, 0, 0); img[1, 0] = new Rgb24(0, 255, 0);
            img[0, 1] = new Rgb24(0, 0, 255); img[1, 1] = new Rgb24(51, 102, 153);
            img.SaveAsPng(Path.Combine(_fixture.Images, "a.png"));
        }
        var ds = ConceptDataset.Open(_fixture.Root);
        using var t = ds.LoadImage(ds.Images[0], 2);
        Assert.Equal([1f, 0f, 0f, 0.2f, 0f, 1f, 0f, 0.4f, 0f, 0f, 1f, 0.6f], t.data<float>().ToArray().Select(x => MathF.Round(x, 5)));
    }

    [Fact]
    public void Corrupt_image_throws_BadImageException_naming_the_file()
    {
        File.WriteAllBytes(Path.Combine(_fixture.Images, "a.png"), Encoding.ASCII.GetBytes("this is not a png at all"));
        var ds = ConceptDataset.Open(_fixture.Root);
        var e = Assert.Throws<BadImageException>(() => ds.LoadImage(ds.Images[0], 4));
        Assert.EndsWith("a.png", e.FilePath);
        Assert.Contains("a.png", e.Message);
        Assert.StartsWith("corrupt", e.Reason);
    }

    [Fact]
    public void Image_deleted_after_open_is_reported_missing()
    {
        var ds = ConceptDataset.Open(_fixture.Root);
        File.Delete(Path.Combine(_fixture.Images, "a.png"));
        var e = Assert.Throws<BadImageException>(() => ds.LoadImage(ds.Images[0], 4));
        Assert.Equal("missing", e.Reason);
    }

    [Fact]
    public void Decompression_bomb_header_is_refused_before_decoding()
    {
        File.WriteAllBytes(Path.Combine(_fixture.Images, "a.png"), RawPng.Bomb(60000, 60000));
        var ds = ConceptDataset.Open(_fixture.Root);
        var e = Assert.Throws<BadImageException>(() => ds.LoadImage(ds.Images[0], 4));
        Assert.StartsWith("too large", e.Reason);
        Assert.Contains("60000x60000", e.Reason);
    }

    [Fact]
    public void Allocation_limit_stops_a_bomb_even_without_the_header_check()
    {
        string path = Path.Combine(_fixture.Images, "bomb.png");
        File.WriteAllBytes(path, RawPng.Bomb(60000, 60000));
        var e = Assert.Throws<BadImageException>(() => ImageDecoding.Load<Rgb24>(path, maxPixels: long.MaxValue).Dispose());
        Assert.StartsWith("too large", e.Reason);
    }

    [Fact]
    public void Batch_loading_matches_single_loads_and_reports_failures()
    {
        File.WriteAllBytes(Path.Combine(_fixture.Images, "sub", "b.png"), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        var ds = ConceptDataset.Open(_fixture.Root);
        using var batch = ds.LoadImages(ds.Images, 5);
        Assert.Equal([3L, 3, 5, 5], batch.Pixels.shape);
        var failure = Assert.Single(batch.Failures);
        Assert.Equal(1, failure.Index);
        Assert.EndsWith("b.png", failure.Path);
        Assert.Equal(0f, batch.Pixels[1].abs().sum().item<float>());
        using var a = ds.LoadImage(ds.Images[0], 5);
        using var c = ds.LoadImage(ds.Images[2], 5);
        Assert.Equal(a.data<float>().ToArray(), batch.Pixels[0].data<float>().ToArray());
        Assert.Equal(c.data<float>().ToArray(), batch.Pixels[2].data<float>().ToArray());
    }
}
