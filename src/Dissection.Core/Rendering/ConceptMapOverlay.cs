// Draws a "what the network sees" map over its image: each labelled pixel blended with its concept's legend colour,
// unlabelled pixels left as they are, and a thin dark line where two concepts meet so small regions stay readable.
using Dissection.Core.Dissection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Dissection.Core.Rendering;

public static class ConceptMapOverlay
{
    public const float DefaultOpacity = 0.55f;
    public static readonly Rgb24 Edge = new(20, 20, 20);

    /// <summary>The image resized to the map's size with the map on top. The source is not modified.</summary>
    public static Image<Rgb24> Render(Image<Rgb24> image, ConceptMap map, float opacity = DefaultOpacity)
    {
        if (opacity is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(opacity), opacity, "opacity must be in [0,1]");
        var result = image.Clone(x => x.Resize(new ResizeOptions
        {
            Size = new Size(map.Width, map.Height), Sampler = KnownResamplers.Triangle, Mode = ResizeMode.Stretch,
        }));
        var (w, h, pixels) = (map.Width, map.Height, map.Pixels);
        result.ProcessPixelRows(accessor =>
        {
            for (var y = 0; y < h; y++)
            {
                var row = accessor.GetRowSpan(y);
                for (var x = 0; x < w; x++)
                {
                    var p = pixels[y * w + x];
                    if (p < 0) continue;
                    // A boundary pixel: its right or lower neighbour belongs to another concept (or to none).
                    var edge = (x + 1 < w && pixels[y * w + x + 1] != p) || (y + 1 < h && pixels[(y + 1) * w + x] != p);
                    row[x] = edge ? Edge : Blend(row[x], ConceptPalette.ColourOf(p), opacity);
                }
            }
        });
        return result;
    }

    internal static Rgb24 Blend(Rgb24 under, Rgb24 over, float opacity)
    {
        byte Mix(byte a, byte b) => (byte)Math.Clamp(MathF.Round(a * (1 - opacity) + b * opacity), 0, 255);
        return new Rgb24(Mix(under.R, over.R), Mix(under.G, over.G), Mix(under.B, over.B));
    }
}
