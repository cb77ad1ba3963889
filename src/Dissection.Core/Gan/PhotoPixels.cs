// A user's photo as the generator sees it: centre-cropped to a square (when it is not one) and resized to the
// generator's resolution with the triangle filter, kept as 8-bit RGB. The bytes are what compositing copies outside
// the edited region, so those pixels stay exactly the user's own (after the one crop and resize).
using Dissection.Core.Datasets;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using static TorchSharp.torch;

namespace Dissection.Core.Gan;

/// <param name="Rgb">Interleaved 8-bit RGB, row-major, Size×Size×3.</param>
/// <param name="Cropped">True when the original was not square and its centre square was taken.</param>
/// <param name="OriginalWidth">Width of the picture before cropping and resizing.</param>
public sealed record PhotoPixels(byte[] Rgb, int Size, bool Cropped, bool Resized, int OriginalWidth, int OriginalHeight)
{
    /// <summary>Centre square, resized to size×size.</summary>
    public static PhotoPixels From(Image<Rgb24> image, int size)
    {
        int w = image.Width, h = image.Height;
        using var copy = image.Clone();
        var side = Math.Min(w, h);
        if (w != h) copy.Mutate(x => x.Crop(new Rectangle((w - side) / 2, (h - side) / 2, side, side)));
        ImageDecoding.ResizeSquare(copy, size);
        var rgb = new byte[size * size * 3];
        copy.CopyPixelDataTo(rgb);
        return new PhotoPixels(rgb, size, w != h, side != size, w, h);
    }

    /// <summary>An image file (the guarded decoder: truncated or oversized files are refused with a BadImageException).</summary>
    public static PhotoPixels Load(string path, int size)
    {
        using var image = ImageDecoding.Load<Rgb24>(path);
        return From(image, size);
    }

    /// <summary>Uploaded bytes through the upload checks (format, size, pixel count).</summary>
    public static PhotoPixels Decode(byte[] bytes, string name, int size)
    {
        using var image = ImageUpload.Decode(bytes, name);
        return From(image, size);
    }

    /// <summary>What the page says about the preparation; null when the photo was used as it came.</summary>
    public string? Note => Cropped
        ? $"The {OriginalWidth}×{OriginalHeight} photo was centre-cropped to a square and resized to {Size}×{Size}, the generator's resolution."
        : Resized ? $"The {OriginalWidth}×{OriginalHeight} photo was resized to {Size}×{Size}, the generator's resolution." : null;

    /// <summary>(1,3,S,S) in the generator's [-1,1] range.</summary>
    public Tensor ToTensor()
    {
        using var scope = NewDisposeScope();
        var t = tensor(Rgb, [Size, Size, 3]).permute(2, 0, 1).to_type(ScalarType.Float32) / 127.5f - 1f;
        return t.unsqueeze(0).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>A generator output (3,S,S) in [-1,1] as interleaved bytes, rounded as GeneratedImages.ToImage rounds.</summary>
    public static byte[] BytesOf(Tensor image)
    {
        using var scope = NewDisposeScope();
        var b = ((image.detach().to(CPU).to_type(ScalarType.Float32) + 1) * 127.5f).round().clamp(0, 255)
            .to_type(ScalarType.Byte).permute(1, 2, 0).contiguous();
        return b.data<byte>().ToArray();
    }

    public static byte[] Png(byte[] rgb, int size)
    {
        using var image = Image.LoadPixelData<Rgb24>(rgb, size, size);
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }
}
