// Names the colour of pixels with the 11 Broden colour names: nearest reference colour in RGB.
namespace Dissection.Core.World;

internal static class ColorNaming
{
    private static readonly (string Name, int R, int G, int B)[] References =
    [
        ("black", 25, 25, 25), ("blue", 50, 90, 200), ("brown", 125, 80, 45), ("green", 60, 145, 60), ("grey", 128, 128, 128),
        ("orange", 240, 140, 40), ("pink", 240, 170, 190), ("purple", 135, 60, 160), ("red", 200, 40, 40),
        ("white", 240, 240, 240), ("yellow", 240, 215, 50),
        // Second anchors for light and dark shades, so beige sand reads yellow, light sky blue, dark foliage green.
        ("yellow", 225, 205, 140), ("brown", 165, 115, 75), ("grey", 185, 185, 185), ("blue", 115, 165, 230), ("green", 40, 95, 45),
        ("red", 140, 40, 35), ("pink", 235, 195, 200),
    ];

    private static readonly ushort[] Numbers = References.Select(c => (ushort)WorldCatalog.Number(c.Name)).ToArray();

    public static ushort Nearest(int r, int g, int b)
    {
        var best = 0; var bestD = int.MaxValue;
        for (var k = 0; k < References.Length; k++)
        {
            var (_, cr, cg, cb) = References[k];
            var d = (r - cr) * (r - cr) + (g - cg) * (g - cg) + (b - cb) * (b - cb);
            if (d < bestD) { bestD = d; best = k; }
        }
        return Numbers[best];
    }
}
