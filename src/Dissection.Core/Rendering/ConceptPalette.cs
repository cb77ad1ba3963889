// Distinct colours for the concepts of a "what the network sees" map, handed out in legend order (largest area first),
// so the overlay and its legend always agree. Twenty colours (Tableau 20, dark and light alternating); beyond that they repeat.
using SixLabors.ImageSharp.PixelFormats;

namespace Dissection.Core.Rendering;

public static class ConceptPalette
{
    private static readonly Rgb24[] Colours =
    [
        new(31, 119, 180), new(255, 127, 14), new(44, 160, 44), new(214, 39, 40), new(148, 103, 189),
        new(140, 86, 75), new(227, 119, 194), new(188, 189, 34), new(23, 190, 207), new(127, 127, 127),
        new(174, 199, 232), new(255, 187, 120), new(152, 223, 138), new(255, 152, 150), new(197, 176, 213),
        new(196, 156, 148), new(247, 182, 210), new(219, 219, 141), new(158, 218, 229), new(199, 199, 199),
    ];

    public static int Count => Colours.Length;

    /// <summary>The colour of the concept at this legend position.</summary>
    public static Rgb24 ColourOf(int position) => Colours[((position % Colours.Length) + Colours.Length) % Colours.Length];

    /// <summary>The same colour as a CSS hex string (#rrggbb).</summary>
    public static string HexOf(int position)
    {
        var c = ColourOf(position);
        return $"#{c.R:x2}{c.G:x2}{c.B:x2}";
    }
}
