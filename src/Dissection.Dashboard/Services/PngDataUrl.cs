// Throw-away pictures (an attacked image, a mask on an upload) go to the page inline as data: URLs, so they need no
// image endpoint and nothing of them outlives the circuit.
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Dissection.Dashboard.Services;

public static class PngDataUrl
{
    public static string Of(Image<Rgb24> image)
    {
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return Of(stream.ToArray());
    }

    /// <summary>PNG bytes the engine already encoded.</summary>
    public static string Of(byte[] png) => "data:image/png;base64," + Convert.ToBase64String(png);
}
