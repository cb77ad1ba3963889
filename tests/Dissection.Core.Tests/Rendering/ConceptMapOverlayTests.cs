// The "what the network sees" overlay: labelled pixels blend toward their legend colour, unlabelled pixels keep the
// image, boundaries between concepts are dark, and the legend colours are the palette's in legend order.
using Dissection.Core.Dissection;
using Dissection.Core.Rendering;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Dissection.Core.Tests.Rendering;

public class ConceptMapOverlayTests
{
    [Fact]
    public void Labelled_pixels_take_their_legend_colour_and_the_rest_is_unchanged()
    {
        using var image = new Image<Rgb24>(4, 1, new Rgb24(100, 100, 100));
        // Pixels: concept 0, concept 0, none, concept 1.
        var map = new ConceptMap(1, 4, [0, 0, -1, 1], [5, 5, -1, 7],
            [new ConceptArea("sky", "scene", 2, [5]), new ConceptArea("tree", "object", 1, [7])]);
        using var overlay = ConceptMapOverlay.Render(image, map, opacity: 0.5f);
        Assert.Equal((4, 1), (overlay.Width, overlay.Height));
        var sky = ConceptPalette.ColourOf(0);
        Assert.Equal(ConceptMapOverlay.Blend(new Rgb24(100, 100, 100), sky, 0.5f), overlay[0, 0]);
        Assert.Equal(new Rgb24((byte)Math.Round((100 + sky.R) / 2.0), (byte)Math.Round((100 + sky.G) / 2.0), (byte)Math.Round((100 + sky.B) / 2.0)), overlay[0, 0]);
        Assert.Equal(ConceptMapOverlay.Edge, overlay[1, 0]);            // its right neighbour is unlabelled
        Assert.Equal(new Rgb24(100, 100, 100), overlay[2, 0]);
        Assert.Equal(ConceptMapOverlay.Blend(new Rgb24(100, 100, 100), ConceptPalette.ColourOf(1), 0.5f), overlay[3, 0]);
        Assert.Equal(new Rgb24(100, 100, 100), image[0, 0]);            // the source is untouched
    }

    [Fact]
    public void Palette_colours_are_distinct_and_hex_matches()
    {
        var colours = Enumerable.Range(0, ConceptPalette.Count).Select(ConceptPalette.ColourOf).ToList();
        Assert.Equal(colours.Count, colours.Distinct().Count());
        var c = ConceptPalette.ColourOf(3);
        Assert.Equal($"#{c.R:x2}{c.G:x2}{c.B:x2}", ConceptPalette.HexOf(3));
        Assert.Equal(ConceptPalette.ColourOf(0), ConceptPalette.ColourOf(ConceptPalette.Count));
    }
}
