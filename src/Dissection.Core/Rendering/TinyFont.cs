// A 3x5 pixel bitmap font, so placeholders can say why an image is missing without ImageSharp.Drawing or font files.
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Dissection.Core.Rendering;

internal static class TinyFont
{
    public const int GlyphWidth = 3, GlyphHeight = 5, Advance = 4, LineAdvance = 7;

    // Each glyph: 5 rows, 3 bits per row (4 = left column).
    static readonly Dictionary<char, byte[]> Glyphs = new()
    {
        ['A'] = [2, 5, 7, 5, 5], ['B'] = [6, 5, 6, 5, 6], ['C'] = [3, 4, 4, 4, 3], ['D'] = [6, 5, 5, 5, 6],
        ['E'] = [7, 4, 6, 4, 7], ['F'] = [7, 4, 6, 4, 4], ['G'] = [3, 4, 5, 5, 3], ['H'] = [5, 5, 7, 5, 5],
        ['I'] = [7, 2, 2, 2, 7], ['J'] = [1, 1, 1, 5, 2], ['K'] = [5, 5, 6, 5, 5], ['L'] = [4, 4, 4, 4, 7],
        ['M'] = [5, 7, 7, 5, 5], ['N'] = [6, 5, 5, 5, 5], ['O'] = [2, 5, 5, 5, 2], ['P'] = [6, 5, 6, 4, 4],
        ['Q'] = [2, 5, 5, 6, 3], ['R'] = [6, 5, 6, 5, 5], ['S'] = [3, 4, 2, 1, 6], ['T'] = [7, 2, 2, 2, 2],
        ['U'] = [5, 5, 5, 5, 7], ['V'] = [5, 5, 5, 5, 2], ['W'] = [5, 5, 7, 7, 5], ['X'] = [5, 5, 2, 5, 5],
        ['Y'] = [5, 5, 2, 2, 2], ['Z'] = [7, 1, 2, 4, 7],
        ['0'] = [7, 5, 5, 5, 7], ['1'] = [2, 6, 2, 2, 7], ['2'] = [6, 1, 2, 4, 7], ['3'] = [6, 1, 2, 1, 6],
        ['4'] = [5, 5, 7, 1, 1], ['5'] = [7, 4, 6, 1, 6], ['6'] = [3, 4, 7, 5, 7], ['7'] = [7, 1, 2, 2, 2],
        ['8'] = [7, 5, 7, 5, 7], ['9'] = [7, 5, 7, 1, 6],
        [':'] = [0, 2, 0, 2, 0], ['.'] = [0, 0, 0, 0, 2], ['-'] = [0, 0, 7, 0, 0], ['/'] = [1, 1, 2, 4, 4],
        [' '] = [0, 0, 0, 0, 0], ['?'] = [6, 1, 2, 0, 2],
    };

    /// <summary>Draws text (upper-cased, word-wrapped to the image width) starting at (left, top).</summary>
    public static void Draw(Image<Rgb24> image, string text, int left, int top, int scale, Rgb24 colour)
    {
        int perLine = Math.Max(1, (image.Width - left) / (Advance * scale));
        int y = top;
        foreach (var line in Wrap(text.ToUpperInvariant(), perLine))
        {
            int x = left;
            foreach (char ch in line)
            {
                var rows = Glyphs.TryGetValue(ch, out var g) ? g : Glyphs['?'];
                for (int r = 0; r < GlyphHeight; r++)
                    for (int c = 0; c < GlyphWidth; c++)
                        if ((rows[r] & (4 >> c)) != 0)
                            Fill(image, x + c * scale, y + r * scale, scale, colour);
                x += Advance * scale;
            }
            y += LineAdvance * scale;
        }
    }

    internal static IEnumerable<string> Wrap(string text, int perLine)
    {
        var line = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var w = word;
            while (w.Length > perLine) { if (line.Length > 0) { yield return line; line = ""; } yield return w[..perLine]; w = w[perLine..]; }
            if (line.Length == 0) line = w;
            else if (line.Length + 1 + w.Length <= perLine) line += " " + w;
            else { yield return line; line = w; }
        }
        if (line.Length > 0) yield return line;
    }

    static void Fill(Image<Rgb24> image, int x0, int y0, int scale, Rgb24 colour)
    {
        for (int y = y0; y < y0 + scale && y < image.Height; y++)
            for (int x = x0; x < x0 + scale && x < image.Width; x++)
                if (x >= 0 && y >= 0) image[x, y] = colour;
    }
}
