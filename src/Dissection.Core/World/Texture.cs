// Procedural surface textures: each material gets a visually distinct pattern computed per pixel from image coordinates,
// so early CNN layers can learn material and colour detectors while late layers need shape to tell objects apart.
namespace Dissection.Core.World;

internal enum Texture : byte { Flat, Sky, Brick, Wood, Glass, Water, Foliage, Metal, Fabric, Stone, Tile, Asphalt, Plaster, Sand, Cloud, Spots, Ribbed }

internal readonly record struct Rgb(byte R, byte G, byte B)
{
    public static Rgb Of(int r, int g, int b) => new(Clamp(r), Clamp(g), Clamp(b));
    public static byte Clamp(int v) => (byte)(v < 0 ? 0 : v > 255 ? 255 : v);
    public Rgb Scale(float m) => Of((int)(R * m), (int)(G * m), (int)(B * m));
    public Rgb Lerp(Rgb o, float t) => Of((int)(R + (o.R - R) * t), (int)(G + (o.G - G) * t), (int)(B + (o.B - B) * t));
}

/// <summary>What a shape paints: its labels (object, part, material; 0 = none) and its look.</summary>
/// <param name="Scale">Texture-specific: pattern scale, or for <see cref="Texture.Sky"/> the horizon row.</param>
internal readonly record struct Paint(ushort Object, ushort Part, ushort Material, Texture Texture, Rgb Color, int Seed = 0, float Scale = 1f, Rgb Accent = default)
{
    public Paint WithPart(ushort part) => this with { Part = part };
}

internal static class TextureShader
{
    private static readonly Rgb Mortar = new(208, 204, 194);
    private static readonly Rgb White = new(250, 250, 250);

    public static Rgb Shade(in Paint p, int x, int y)
    {
        var c = p.Color;
        var h = WorldRng.Hash(x, y, p.Seed);
        switch (p.Texture)
        {
            case Texture.Flat:
                return Add(c, (int)(h % 9) - 4);
            case Texture.Sky:
            {
                var t = Math.Clamp(y / Math.Max(1f, p.Scale), 0f, 1f);
                return Add(c.Lerp(White, 0.55f * t * t), (int)(h % 5) - 2);
            }
            case Texture.Brick:
            {
                var bh = Math.Max(3, (int)(5 * p.Scale)); var bw = Math.Max(6, (int)(11 * p.Scale));
                var yy = y + (p.Seed & 15); var row = yy / bh;
                var xx = x + (row & 1) * (bw / 2) + (p.Seed >> 4 & 15);
                if (yy % bh == 0 || xx % bw == 0) return Add(Mortar, (int)(h % 11) - 5);
                var brick = WorldRng.Hash(xx / bw, row, p.Seed);
                return Add(c, (int)(brick % 41) - 20 + (int)(h % 13) - 6);
            }
            case Texture.Wood:
            {
                var v = MathF.Sin((y * 1.1f / p.Scale + 2.5f * MathF.Sin(x * 0.12f + p.Seed)) * 0.9f);
                return Add(c.Scale(0.78f + 0.22f * v), (int)(WorldRng.Hash(x / 3, y, p.Seed) % 13) - 6);
            }
            case Texture.Glass:
            {
                var d = (x + y + p.Seed) % 22;
                return d < 4 ? c.Lerp(White, 0.65f) : Add(c, (int)(h % 7) - 3);
            }
            case Texture.Water:
            {
                var w = MathF.Sin(x * 0.35f + p.Seed + 3f * MathF.Sin(y * 0.45f)) + MathF.Sin(y * 1.7f + x * 0.05f);
                return w > 1.3f ? c.Lerp(White, 0.55f) : Add(c.Scale(0.9f + 0.1f * MathF.Sin(y * 0.8f)), (int)(h % 7) - 3);
            }
            case Texture.Foliage:
            {
                var cell = WorldRng.Hash(x >> 1, y >> 1, p.Seed);
                var n = (int)(cell % 71) - 35;
                if (cell % 100 < 14) n -= 40;
                return Add(c, n + (int)(h % 7) - 3);
            }
            case Texture.Metal:
            {
                var s = MathF.Sin((x * 0.3f + y * 0.6f) * 0.15f + p.Seed);
                return Add(c.Scale(0.88f + 0.16f * s), (int)(WorldRng.Hash(0, y, p.Seed) % 11) - 5);
            }
            case Texture.Fabric:
            {
                var check = (((x >> 1) + (y >> 1)) & 1) == 0 ? 14 : -14;
                var stripe = (x + p.Seed) % 10 < 2 || (y + p.Seed) % 10 < 2;
                return Add(stripe ? c.Lerp(p.Accent, 0.5f) : c, check);
            }
            case Texture.Stone:
            {
                var coarse = ValueNoise(x / 7f, y / 7f, p.Seed);
                var fine = ValueNoise(x / 2.5f, y / 2.5f, p.Seed + 7);
                return Add(c, (int)(coarse * 60 - 30 + fine * 24 - 12));
            }
            case Texture.Tile:
            {
                var s = Math.Max(4, (int)(9 * p.Scale));
                var xx = x + (p.Seed & 7); var yy = y + (p.Seed >> 3 & 7);
                if (xx % s == 0 || yy % s == 0) return c.Scale(0.55f);
                return Add(((xx / s + yy / s) & 1) == 0 ? c : c.Scale(0.9f), (int)(h % 7) - 3);
            }
            case Texture.Asphalt:
                return h % 97 == 0 ? new Rgb(200, 200, 200) : Add(c, (int)(h % 51) - 25);
            case Texture.Plaster:
                return Add(c, (int)(ValueNoise(x / 6f, y / 6f, p.Seed) * 16 - 8) + (int)(h % 5) - 2);
            case Texture.Sand:
                return Add(c, (int)(h % 25) - 12 + (int)(10 * MathF.Sin(y * 0.5f + 2f * MathF.Sin(x * 0.07f + p.Seed))));
            case Texture.Cloud:
                return Add(c, (int)(h % 7) - 3);
            case Texture.Spots:
                return ValueNoise(x / 5f, y / 5f, p.Seed) > 0.62f ? new Rgb(30, 28, 28) : Add(c, (int)(h % 9) - 4);
            case Texture.Ribbed:
                return (x + p.Seed) % 4 == 0 ? c.Scale(0.7f) : Add(c, (int)(h % 9) - 4);
            default:
                return c;
        }
    }

    private static Rgb Add(Rgb c, int d) => Rgb.Of(c.R + d, c.G + d, c.B + d);

    /// <summary>Smooth noise in [0,1): bilinear interpolation of hashed lattice values.</summary>
    internal static float ValueNoise(float fx, float fy, int seed)
    {
        var x0 = (int)MathF.Floor(fx); var y0 = (int)MathF.Floor(fy);
        var tx = fx - x0; var ty = fy - y0;
        tx = tx * tx * (3 - 2 * tx); ty = ty * ty * (3 - 2 * ty);
        static float V(int x, int y, int s) => (WorldRng.Hash(x, y, s) & 1023) / 1024f;
        var a = V(x0, y0, seed) + (V(x0 + 1, y0, seed) - V(x0, y0, seed)) * tx;
        var b = V(x0, y0 + 1, seed) + (V(x0 + 1, y0 + 1, seed) - V(x0, y0 + 1, seed)) * tx;
        return a + (b - a) * ty;
    }
}
