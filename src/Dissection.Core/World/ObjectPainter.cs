// Draws each kind of object of the world from simple shapes, with its parts and materials, at a given place and size.
// Colours vary per instance; every shape writes its labels together with its pixels (see Canvas).
using static Dissection.Core.World.WorldLabels;

namespace Dissection.Core.World;

internal static class ObjectPainter
{
    private static Rgb Vary(Rgb c, ref WorldRng r, int amount) =>
        Rgb.Of(c.R + r.Int(-amount, amount), c.G + r.Int(-amount, amount), c.B + r.Int(-amount, amount));

    private static int S(ref WorldRng r) => (int)(r.NextUInt() & 0xFFFF);

    public static void Sky(Canvas cv, ref WorldRng r, float horizon)
    {
        // Not always blue: overcast, dusk and twilight skies keep colour units from standing in for "sky".
        var c = r.Float() switch
        {
            < 0.55f => Vary(new Rgb(70, 130, 215), ref r, 20),
            < 0.72f => Vary(new Rgb(165, 170, 180), ref r, 12),
            < 0.88f => Vary(new Rgb(235, 140, 90), ref r, 15),
            _ => Vary(new Rgb(125, 80, 160), ref r, 15),
        };
        cv.FillRect(0, 0, cv.Size, horizon, new Paint(WorldLabels.Sky, 0, 0, Texture.Sky, c, S(ref r), horizon));
    }

    public static void Ground(Canvas cv, ref WorldRng r, ushort obj, float top, float bottom)
    {
        var p = GroundPaint(ref r, obj);
        cv.FillRect(0, top, cv.Size, bottom, p);
    }

    /// <summary>Ground whose upper edge waves (shorelines, dunes).</summary>
    public static void WavyGround(Canvas cv, ref WorldRng r, ushort obj, float top, float amplitude)
    {
        var p = GroundPaint(ref r, obj);
        const int n = 12;
        Span<float> xy = stackalloc float[2 * (n + 3)];
        var phase = r.Range(0, 6.28f); var freq = r.Range(1.5f, 3.5f);
        for (var k = 0; k <= n; k++)
        {
            var x = -1 + (cv.Size + 2) * k / (float)n;
            xy[2 * k] = x; xy[2 * k + 1] = top + amplitude * MathF.Sin(phase + freq * 6.28f * k / n);
        }
        xy[2 * (n + 1)] = cv.Size + 1; xy[2 * (n + 1) + 1] = cv.Size + 1;
        xy[2 * (n + 2)] = -1; xy[2 * (n + 2) + 1] = cv.Size + 1;
        cv.FillPolygon(xy, p);
    }

    private static readonly Rgb[] CloudHues = [new(240, 242, 248), new(240, 242, 248), new(185, 188, 195), new(245, 185, 190)];
    private static readonly Rgb[] GrassHues = [new(80, 150, 60), new(80, 150, 60), new(150, 160, 60), new(175, 140, 70), new(200, 120, 50)];
    private static readonly Rgb[] SeaHues = [new(35, 95, 170), new(35, 95, 170), new(40, 135, 135), new(95, 110, 120)];
    private static readonly Rgb[] LakeHues = [new(45, 110, 140), new(45, 110, 140), new(60, 120, 95), new(100, 105, 125)];

    /// <summary>Paint colours shared by man-made objects: every Broden colour name occurs on cars, houses, boats and furniture.</summary>
    private static readonly Rgb[] Paints =
    [
        new(190, 30, 30), new(30, 60, 170), new(230, 200, 40), new(235, 235, 235), new(35, 35, 35), new(40, 130, 60),
        new(150, 150, 160), new(240, 130, 30), new(135, 55, 160), new(240, 160, 185), new(120, 75, 40),
    ];

    private static Paint GroundPaint(ref WorldRng r, ushort obj)
    {
        // Grass and water come in several hues (lush, dry, autumn; blue, teal, grey), so that colour alone does not name the ground.
        if (obj == Grass) return new Paint(Grass, 0, Foliage, Texture.Foliage, Vary(r.Pick(GrassHues), ref r, 15), S(ref r));
        if (obj == WorldLabels.Sand) return new Paint(WorldLabels.Sand, 0, 0, Texture.Sand, Vary(new Rgb(222, 200, 145), ref r, 12), S(ref r));
        if (obj == Sea || obj == Lake) return new Paint(obj, 0, Water, Texture.Water, Vary(r.Pick(obj == Sea ? SeaHues : LakeHues), ref r, 15), S(ref r));
        if (obj == WorldLabels.Road) return new Paint(WorldLabels.Road, 0, Asphalt, Texture.Asphalt, Vary(new Rgb(75, 75, 80), ref r, 10), S(ref r));
        throw new ArgumentException($"no ground paint for label {obj}");
    }

    /// <summary>A road from <paramref name="top"/> down to <paramref name="bottom"/> (the image's bottom edge by default).</summary>
    public static void Road(Canvas cv, ref WorldRng r, float top, float? bottom = null)
    {
        var yb = bottom ?? cv.Size;
        Ground(cv, ref r, WorldLabels.Road, top, yb);
        var line = new Paint(WorldLabels.Road, 0, Asphalt, Texture.Flat, new Rgb(235, 235, 225));
        var y = top + (yb - top) * 0.5f; var th = Math.Max(1.5f, cv.Size * 0.015f);
        var dash = cv.Size * 0.1f; var off = r.Range(0, dash * 2);
        for (var x = -off; x < cv.Size; x += dash * 2) cv.FillRect(x, y - th / 2, x + dash, y + th / 2, line);
    }

    public static void Sun(Canvas cv, ref WorldRng r, float x, float y, float rad)
    {
        var c = r.Pick(new[] { new Rgb(255, 222, 70), new Rgb(250, 160, 40), new Rgb(250, 250, 235), new Rgb(230, 70, 50) });
        c = Vary(c, ref r, 10);
        cv.FillEllipse(x, y, rad, rad, new Paint(WorldLabels.Sun, 0, 0, Texture.Flat, c));
    }

    public static void Cloud(Canvas cv, ref WorldRng r, float x, float y, float w)
    {
        var p = new Paint(WorldLabels.Cloud, 0, 0, Texture.Cloud, Vary(r.Pick(CloudHues), ref r, 8));
        var n = r.Int(3, 5);
        for (var k = 0; k < n; k++)
        {
            var dx = (k / (float)(n - 1) - 0.5f) * w * 0.7f;
            var rx = w * r.Range(0.18f, 0.3f);
            cv.FillEllipse(x + dx, y - r.Range(0, w * 0.12f), rx, rx * r.Range(0.6f, 0.85f), p);
        }
    }

    public static void Mountain(Canvas cv, ref WorldRng r, float x, float yb, float w, float h, bool snow, bool sandy)
    {
        var c = sandy ? Vary(new Rgb(175, 135, 95), ref r, 15) : r.Pick(new[] { new Rgb(110, 115, 135), new Rgb(125, 105, 85), new Rgb(95, 100, 110) });
        var p = new Paint(WorldLabels.Mountain, 0, Stone, Texture.Stone, c, S(ref r));
        var ax = x + r.Range(-0.15f, 0.15f) * w; var ay = yb - h;
        var sx = x + (r.Chance(0.5f) ? -1 : 1) * w * 0.3f; var sy = yb - h * r.Range(0.45f, 0.65f);
        // Order the outline left-to-right over the top.
        Span<float> outline = sx < x ? [x - w / 2, yb, sx, sy, ax, ay, x + w / 2, yb] : [x - w / 2, yb, ax, ay, sx, sy, x + w / 2, yb];
        cv.FillPolygon(outline, p);
        if (snow)
        {
            const float f = 0.28f;
            var lx = ax + (x - w / 2 - ax) * f; var rx = ax + (x + w / 2 - ax) * f; var ly = ay + (yb - ay) * f;
            Span<float> cap = [ax, ay, rx, ly, (ax + rx) / 2, ly - h * 0.06f, ax, ly + h * 0.03f, (ax + lx) / 2, ly - h * 0.05f, lx, ly];
            cv.FillPolygon(cap, new Paint(WorldLabels.Mountain, 0, 0, Texture.Flat, new Rgb(238, 242, 248)));
        }
    }

    public static void Tree(Canvas cv, ref WorldRng r, float x, float yb, float h, bool conifer)
    {
        var wood = new Paint(WorldLabels.Tree, Trunk, Wood, Texture.Wood, Vary(new Rgb(105, 70, 40), ref r, 15), S(ref r), 0.6f);
        var crown = new Paint(WorldLabels.Tree, Crown, Foliage, Texture.Foliage,
            conifer ? Vary(new Rgb(40, 105, 55), ref r, 15) : Vary(new Rgb(70, 140, 50), ref r, 20), S(ref r));
        var tw = h * 0.11f;
        cv.FillRect(x - tw / 2, yb - h * (conifer ? 0.35f : 0.5f), x + tw / 2, yb, wood);
        if (conifer)
        {
            for (var k = 0; k < 3; k++)
            {
                var top = yb - h + k * h * 0.22f; var bottom = yb - h * 0.55f + k * h * 0.18f; var half = h * (0.18f + 0.07f * k);
                Span<float> tri = [x, top, x + half, bottom, x - half, bottom];
                cv.FillPolygon(tri, crown);
            }
        }
        else
        {
            cv.FillEllipse(x, yb - h * 0.68f, h * 0.3f, h * 0.32f, crown);
            cv.FillEllipse(x - h * 0.17f, yb - h * 0.56f, h * 0.18f, h * 0.16f, crown);
            cv.FillEllipse(x + h * 0.17f, yb - h * 0.58f, h * 0.18f, h * 0.16f, crown);
        }
    }

    public static void Bush(Canvas cv, ref WorldRng r, float x, float yb, float w)
    {
        var p = new Paint(WorldLabels.Bush, 0, Foliage, Texture.Foliage, Vary(new Rgb(45, 110, 45), ref r, 15), S(ref r));
        cv.FillEllipse(x, yb - w * 0.25f, w * 0.5f, w * 0.3f, p);
        cv.FillEllipse(x - w * 0.2f, yb - w * 0.38f, w * 0.25f, w * 0.2f, p);
        cv.FillEllipse(x + w * 0.15f, yb - w * 0.4f, w * 0.25f, w * 0.22f, p);
    }

    public static void Rock(Canvas cv, ref WorldRng r, float x, float yb, float w)
    {
        var p = new Paint(WorldLabels.Rock, 0, Stone, Texture.Stone, Vary(new Rgb(128, 124, 118), ref r, 20), S(ref r));
        const int n = 8;
        Span<float> xy = stackalloc float[2 * n];
        var cy = yb - w * 0.3f;
        for (var k = 0; k < n; k++)
        {
            var a = MathF.PI * 2 * k / n + r.Range(-0.2f, 0.2f);
            var rad = w * 0.5f * r.Range(0.75f, 1f);
            xy[2 * k] = x + rad * MathF.Cos(a);
            xy[2 * k + 1] = MathF.Min(yb, cy + rad * 0.65f * MathF.Sin(a));
        }
        cv.FillPolygon(xy, p);
    }

    public static void House(Canvas cv, ref WorldRng r, float x, float yb, float w)
    {
        var bodyH = w * r.Range(0.6f, 0.85f);
        var wall = r.Chance(0.4f)
            ? new Paint(WorldLabels.House, 0, Brick, Texture.Brick, Vary(new Rgb(160, 65, 45), ref r, 15), S(ref r), MathF.Max(0.5f, w / 60f))
            : new Paint(WorldLabels.House, 0, Plaster, Texture.Plaster, r.Pick(new[] { new Rgb(235, 225, 195), new Rgb(190, 210, 230), new Rgb(240, 240, 235), new Rgb(230, 200, 150), new Rgb(200, 220, 180), new Rgb(240, 170, 185), new Rgb(240, 150, 70), new Rgb(150, 90, 170), new Rgb(235, 210, 70) }), S(ref r));
        var roofH = w * r.Range(0.3f, 0.5f);
        var top = yb - bodyH;
        if (r.Chance(0.6f))
        {
            var cx = x + w * r.Range(0.15f, 0.3f) * (r.Chance(0.5f) ? 1 : -1);
            cv.FillRect(cx - w * 0.05f, top - roofH * 0.95f, cx + w * 0.05f, top - roofH * 0.3f,
                new Paint(WorldLabels.House, Chimney, Brick, Texture.Brick, Vary(new Rgb(150, 60, 45), ref r, 10), S(ref r), 0.5f));
        }
        cv.FillRect(x - w / 2, top, x + w / 2, yb, wall);
        var roof = new Paint(WorldLabels.House, Roof, Tile, Texture.Tile, r.Pick(new[] { new Rgb(140, 45, 35), new Rgb(100, 70, 50), new Rgb(80, 80, 95), new Rgb(60, 60, 70) }), S(ref r), 0.6f);
        Span<float> tri = [x - w * 0.58f, top + 0.5f, x + w * 0.58f, top + 0.5f, x, top - roofH];
        cv.FillPolygon(tri, roof);
        var dx = x + w * r.Range(-0.3f, 0.3f);
        Door(cv, ref r, dx, yb, w * 0.17f, bodyH * 0.55f);
        var nWin = r.Int(1, 3);
        var ws = w * 0.16f;
        for (var k = 0; k < nWin; k++)
        {
            var wx = x - w / 2 + w * (k + 0.5f) / nWin;
            if (MathF.Abs(wx - dx) < ws) continue;
            Window(cv, ref r, wx, top + bodyH * 0.3f, ws, ws);
        }
    }

    public static void Window(Canvas cv, ref WorldRng r, float cx, float cy, float w, float h)
    {
        var frame = new Paint(WorldLabels.Window, 0, Wood, Texture.Flat, r.Chance(0.6f) ? new Rgb(240, 240, 235) : Vary(new Rgb(110, 75, 45), ref r, 10));
        var glass = new Paint(WorldLabels.Window, 0, Glass, Texture.Glass, Vary(new Rgb(150, 190, 220), ref r, 15), S(ref r));
        cv.FillRect(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, frame);
        var t = MathF.Max(1, w * 0.1f);
        cv.FillRect(cx - w / 2 + t, cy - h / 2 + t, cx + w / 2 - t, cy + h / 2 - t, glass);
        cv.FillRect(cx - t / 2, cy - h / 2, cx + t / 2, cy + h / 2, frame);
        cv.FillRect(cx - w / 2, cy - t / 2, cx + w / 2, cy + t / 2, frame);
    }

    public static void Door(Canvas cv, ref WorldRng r, float cx, float yb, float w, float h)
    {
        cv.FillRect(cx - w / 2, yb - h, cx + w / 2, yb, new Paint(WorldLabels.Door, 0, Wood, Texture.Wood, Vary(new Rgb(120, 75, 40), ref r, 20), S(ref r), 0.5f));
        var k = MathF.Max(1, w * 0.1f);
        cv.FillEllipse(cx + w * 0.3f, yb - h * 0.5f, k, k, new Paint(WorldLabels.Door, 0, Metal, Texture.Flat, new Rgb(210, 180, 60)));
    }

    public static void Car(Canvas cv, ref WorldRng r, float x, float yb, float w)
    {
        var d = r.Chance(0.5f) ? 1f : -1f;
        var body = new Paint(WorldLabels.Car, 0, Metal, Texture.Metal, r.Pick(Paints), S(ref r));
        var wr = w * 0.12f;
        var bb = yb - wr * 0.9f; var bt = bb - w * 0.22f;
        Span<float> hull = [x - w / 2, bb, x + w / 2, bb, x + w / 2, bt + w * 0.05f, x + w * 0.46f, bt, x - w * 0.47f, bt, x - w / 2, bt + w * 0.05f];
        cv.FillPolygon(hull, body);
        var ct = bt - w * 0.19f;
        Span<float> cabin = [x - d * w * 0.32f, bt + 0.5f, x + d * w * 0.28f, bt + 0.5f, x + d * w * 0.14f, ct, x - d * w * 0.22f, ct];
        cv.FillPolygon(cabin, body);
        var glass = new Paint(WorldLabels.Car, Windshield, Glass, Texture.Glass, Vary(new Rgb(140, 175, 205), ref r, 15), S(ref r));
        var m = w * 0.035f;
        Span<float> win = [x - d * (w * 0.32f - 2 * m), bt, x + d * (w * 0.28f - 2 * m), bt, x + d * (w * 0.14f - m), ct + m, x - d * (w * 0.22f - m), ct + m];
        cv.FillPolygon(win, glass);
        cv.FillRect(x - m * 0.6f, ct, x + m * 0.6f, bt, body);
        foreach (var wx in new[] { x - w * 0.3f, x + w * 0.3f })
        {
            cv.FillEllipse(wx, yb - wr, wr, wr, new Paint(WorldLabels.Car, Wheel, 0, Texture.Flat, new Rgb(25, 25, 28)));
            cv.FillEllipse(wx, yb - wr, wr * 0.45f, wr * 0.45f, new Paint(WorldLabels.Car, Wheel, Metal, Texture.Flat, new Rgb(170, 170, 175)));
        }
    }

    public static void Boat(Canvas cv, ref WorldRng r, float x, float yw, float w)
    {
        var hullPaint = new Paint(WorldLabels.Boat, Hull, r.Chance(0.5f) ? Wood : Metal, Texture.Flat,
            r.Pick(Paints), S(ref r));
        if (hullPaint.Material == Wood) hullPaint = hullPaint with { Texture = Texture.Wood, Scale = 0.5f };
        var d = r.Chance(0.5f) ? 1f : -1f;
        if (r.Chance(0.7f))
        {
            cv.FillRect(x - w * 0.025f, yw - w * 0.95f, x + w * 0.025f, yw - w * 0.15f, new Paint(WorldLabels.Boat, Mast, Wood, Texture.Flat, Vary(new Rgb(110, 80, 50), ref r, 10)));
            var sail = new Paint(WorldLabels.Boat, Sail, Fabric, Texture.Fabric, Vary(new Rgb(245, 245, 240), ref r, 6), S(ref r), 1, new Rgb(200, 200, 210));
            Span<float> s1 = [x + d * w * 0.05f, yw - w * 0.9f, x + d * w * 0.05f, yw - w * 0.22f, x + d * w * 0.42f, yw - w * 0.22f];
            cv.FillPolygon(s1, sail);
            if (r.Chance(0.5f))
            {
                Span<float> s2 = [x - d * w * 0.05f, yw - w * 0.75f, x - d * w * 0.05f, yw - w * 0.22f, x - d * w * 0.3f, yw - w * 0.22f];
                cv.FillPolygon(s2, sail);
            }
        }
        else
        {
            cv.FillRect(x - w * 0.18f, yw - w * 0.34f, x + w * 0.15f, yw - w * 0.14f, new Paint(WorldLabels.Boat, 0, Metal, Texture.Metal, new Rgb(235, 235, 230), S(ref r)));
            cv.FillRect(x - w * 0.14f, yw - w * 0.3f, x + w * 0.1f, yw - w * 0.24f, new Paint(WorldLabels.Boat, 0, Glass, Texture.Glass, new Rgb(120, 160, 200), S(ref r)));
        }
        Span<float> hull = [x - w / 2, yw - w * 0.16f, x + w / 2, yw - w * 0.16f, x + d * w * 0.38f, yw + w * 0.05f, x - d * w * 0.42f, yw + w * 0.05f];
        if (d < 0) { (hull[4], hull[6]) = (x + w * 0.42f, x - w * 0.38f); }
        cv.FillPolygon(hull, hullPaint);
    }

    public static void Person(Canvas cv, ref WorldRng r, float x, float yb, float h)
    {
        var pants = new Paint(WorldLabels.Person, Leg, Fabric, Texture.Fabric, Vary(new Rgb(45, 50, 90), ref r, 25), S(ref r), 1, new Rgb(30, 30, 60));
        cv.FillRect(x - h * 0.11f, yb - h * 0.46f, x - h * 0.015f, yb, pants);
        cv.FillRect(x + h * 0.015f, yb - h * 0.46f, x + h * 0.11f, yb, pants);
        var shirtColor = r.Pick(new[] { new Rgb(200, 40, 40), new Rgb(40, 90, 200), new Rgb(240, 200, 40), new Rgb(240, 240, 240), new Rgb(60, 160, 70), new Rgb(150, 60, 160), new Rgb(240, 130, 40) });
        var shirt = new Paint(WorldLabels.Person, Torso, Fabric, Texture.Fabric, shirtColor, S(ref r), 1, shirtColor.Scale(0.7f));
        cv.FillRect(x - h * 0.15f, yb - h * 0.8f, x + h * 0.15f, yb - h * 0.43f, shirt);
        cv.FillRect(x - h * 0.22f, yb - h * 0.78f, x - h * 0.15f, yb - h * 0.5f, shirt);
        cv.FillRect(x + h * 0.15f, yb - h * 0.78f, x + h * 0.22f, yb - h * 0.5f, shirt);
        var skin = r.Pick(new[] { new Rgb(240, 200, 170), new Rgb(200, 150, 110), new Rgb(130, 90, 60) });
        cv.FillEllipse(x, yb - h * 0.9f, h * 0.1f, h * 0.11f, new Paint(WorldLabels.Person, Head, 0, Texture.Flat, skin));
    }

    public static void Fence(Canvas cv, ref WorldRng r, float x0, float x1, float yb, float h)
    {
        var p = new Paint(WorldLabels.Fence, 0, Wood, r.Chance(0.5f) ? Texture.Flat : Texture.Wood,
            r.Chance(0.5f) ? new Rgb(235, 232, 225) : Vary(new Rgb(130, 90, 55), ref r, 15), S(ref r), 0.4f);
        var step = MathF.Max(3, h * 0.7f);
        for (var x = x0; x <= x1; x += step) cv.FillRect(x, yb - h, x + MathF.Max(1.5f, h * 0.14f), yb, p);
        var t = MathF.Max(1.5f, h * 0.12f);
        cv.FillRect(x0, yb - h * 0.8f, x1, yb - h * 0.8f + t, p);
        cv.FillRect(x0, yb - h * 0.4f, x1, yb - h * 0.4f + t, p);
    }

    public static void Pier(Canvas cv, ref WorldRng r, float x0, float x1, float y, float th)
    {
        var p = new Paint(WorldLabels.Pier, 0, Wood, Texture.Wood, Vary(new Rgb(130, 95, 60), ref r, 15), S(ref r), 0.4f);
        for (var x = x0 + th; x < x1; x += th * 2.5f) cv.FillRect(x, y, x + th * 0.5f, y + th * 2.2f, p);
        cv.FillRect(x0, y - th, x1, y, p);
    }

    public static void Cactus(Canvas cv, ref WorldRng r, float x, float yb, float h)
    {
        var p = new Paint(WorldLabels.Cactus, 0, 0, Texture.Ribbed, Vary(new Rgb(65, 140, 70), ref r, 15), S(ref r));
        var tw = h * 0.09f;
        cv.FillRect(x - tw, yb - h * 0.9f, x + tw, yb, p);
        cv.FillEllipse(x, yb - h * 0.9f, tw, tw * 0.8f, p);
        foreach (var side in r.Chance(0.5f) ? new[] { -1f, 1f } : new[] { r.Chance(0.5f) ? -1f : 1f })
        {
            var ay = yb - h * r.Range(0.4f, 0.55f);
            var ax = x + side * h * 0.28f;
            cv.FillRect(MathF.Min(x, ax), ay - tw * 0.8f, MathF.Max(x, ax), ay, p);
            cv.FillRect(ax - tw * 0.8f, ay - h * 0.28f, ax + tw * 0.8f, ay, p);
            cv.FillEllipse(ax, ay - h * 0.28f, tw * 0.8f, tw * 0.6f, p);
        }
    }

    public static void Cow(Canvas cv, ref WorldRng r, float x, float yb, float w)
    {
        var d = r.Chance(0.5f) ? 1f : -1f;
        var seed = S(ref r);
        var legs = new Paint(WorldLabels.Cow, Leg, 0, Texture.Flat, new Rgb(220, 215, 205));
        foreach (var lx in new[] { -0.3f, -0.18f, 0.18f, 0.3f })
            cv.FillRect(x + lx * w - w * 0.035f, yb - w * 0.32f, x + lx * w + w * 0.035f, yb, legs);
        var hide = r.Chance(0.75f) ? new Rgb(238, 236, 230) : new Rgb(140, 85, 50);
        cv.FillEllipse(x, yb - w * 0.42f, w * 0.4f, w * 0.18f, new Paint(WorldLabels.Cow, Torso, 0, Texture.Spots, hide, seed));
        cv.FillEllipse(x + d * w * 0.44f, yb - w * 0.5f, w * 0.12f, w * 0.09f, new Paint(WorldLabels.Cow, Head, 0, Texture.Spots, hide, seed + 1));
    }

    public static void Wall(Canvas cv, ref WorldRng r, float bottom, bool kitchen)
    {
        var pick = r.Int(0, kitchen ? 4 : 3);
        var c = r.Pick(new[] { new Rgb(230, 220, 200), new Rgb(200, 215, 230), new Rgb(235, 200, 200), new Rgb(210, 230, 200), new Rgb(240, 240, 235), new Rgb(200, 190, 220), new Rgb(240, 165, 180), new Rgb(240, 205, 110), new Rgb(160, 120, 195), new Rgb(120, 160, 215), new Rgb(150, 190, 140) });
        var p = pick switch
        {
            0 or 1 => new Paint(WorldLabels.Wall, 0, Plaster, Texture.Plaster, c, S(ref r)),
            2 => new Paint(WorldLabels.Wall, 0, Brick, Texture.Brick, Vary(new Rgb(165, 75, 55), ref r, 15), S(ref r), 1.2f),
            3 => new Paint(WorldLabels.Wall, 0, Wood, Texture.Wood, Vary(new Rgb(170, 125, 80), ref r, 20), S(ref r), 1f),
            _ => new Paint(WorldLabels.Wall, 0, Tile, Texture.Tile, c, S(ref r), 1f),
        };
        cv.FillRect(0, 0, cv.Size, bottom, p);
    }

    public static void Floor(Canvas cv, ref WorldRng r, float top, bool tile)
    {
        var p = tile
            ? new Paint(WorldLabels.Floor, 0, Tile, Texture.Tile, r.Pick(new[] { new Rgb(200, 200, 195), new Rgb(150, 140, 130), new Rgb(220, 210, 180) }), S(ref r), 1.4f)
            : new Paint(WorldLabels.Floor, 0, Wood, Texture.Wood, Vary(new Rgb(150, 100, 60), ref r, 20), S(ref r), 1.3f);
        cv.FillRect(0, top, cv.Size, cv.Size, p);
    }

    public static void Bed(Canvas cv, ref WorldRng r, float x, float yb, float w)
    {
        var d = r.Chance(0.5f) ? 1f : -1f;
        var wood = new Paint(WorldLabels.Bed, Leg, Wood, Texture.Wood, Vary(new Rgb(120, 80, 45), ref r, 20), S(ref r), 0.5f);
        cv.FillRect(x - w * 0.47f, yb - w * 0.08f, x - w * 0.42f, yb, wood);
        cv.FillRect(x + w * 0.42f, yb - w * 0.08f, x + w * 0.47f, yb, wood);
        var blanketColor = r.Pick(new[] { new Rgb(60, 90, 170), new Rgb(190, 60, 70), new Rgb(230, 200, 120), new Rgb(120, 170, 110), new Rgb(150, 100, 170), new Rgb(230, 150, 170) });
        cv.FillRect(x - w / 2, yb - w * 0.3f, x + w / 2, yb - w * 0.07f, new Paint(WorldLabels.Bed, 0, Fabric, Texture.Fabric, blanketColor, S(ref r), 1, Rgb.Of(245, 245, 240)));
        var hx = x - d * w * 0.5f;
        cv.FillRect(MathF.Min(hx, hx + d * w * 0.07f), yb - w * 0.58f, MathF.Max(hx, hx + d * w * 0.07f), yb - w * 0.07f, wood.WithPart(Headboard));
        cv.FillEllipse(x - d * w * 0.33f, yb - w * 0.33f, w * 0.12f, w * 0.06f, new Paint(WorldLabels.Bed, Pillow, Fabric, Texture.Flat, new Rgb(245, 245, 245)));
    }

    public static void Lamp(Canvas cv, ref WorldRng r, float x, float yb, float h)
    {
        var stand = new Paint(WorldLabels.Lamp, 0, Metal, Texture.Metal, r.Pick(new[] { new Rgb(60, 60, 60), new Rgb(190, 170, 110), new Rgb(180, 180, 185) }), S(ref r));
        cv.FillEllipse(x, yb - h * 0.03f, h * 0.12f, h * 0.03f, stand);
        cv.FillRect(x - h * 0.025f, yb - h * 0.72f, x + h * 0.025f, yb, stand);
        var shade = new Paint(WorldLabels.Lamp, Lampshade, Fabric, Texture.Fabric, r.Pick(new[] { new Rgb(240, 225, 185), new Rgb(235, 235, 235), new Rgb(200, 80, 60), new Rgb(90, 140, 190) }), S(ref r), 1, new Rgb(250, 240, 210));
        Span<float> sh = [x - h * 0.18f, yb - h * 0.68f, x + h * 0.18f, yb - h * 0.68f, x + h * 0.1f, yb - h, x - h * 0.1f, yb - h];
        cv.FillPolygon(sh, shade);
    }

    public static void PendantLamp(Canvas cv, ref WorldRng r, float x, float bottom, float h)
    {
        cv.FillRect(x - 0.75f, 0, x + 0.75f, bottom - h * 0.4f, new Paint(WorldLabels.Lamp, 0, Metal, Texture.Flat, new Rgb(40, 40, 40)));
        var shade = new Paint(WorldLabels.Lamp, Lampshade, Metal, Texture.Metal, r.Pick(new[] { new Rgb(40, 90, 70), new Rgb(200, 60, 40), new Rgb(230, 230, 230), new Rgb(40, 40, 45) }), S(ref r));
        Span<float> sh = [x - h * 0.08f, bottom - h * 0.4f, x + h * 0.08f, bottom - h * 0.4f, x + h * 0.3f, bottom, x - h * 0.3f, bottom];
        cv.FillPolygon(sh, shade);
    }

    public static void Table(Canvas cv, ref WorldRng r, float x, float yb, float w, float h)
    {
        var p = new Paint(WorldLabels.Table, Leg, Wood, Texture.Wood, Vary(new Rgb(140, 95, 55), ref r, 25), S(ref r), 0.5f);
        var lw = MathF.Max(1.5f, w * 0.05f);
        cv.FillRect(x - w * 0.44f, yb - h, x - w * 0.44f + lw, yb, p);
        cv.FillRect(x + w * 0.44f - lw, yb - h, x + w * 0.44f, yb, p);
        cv.FillRect(x - w / 2, yb - h, x + w / 2, yb - h + MathF.Max(2, h * 0.15f), p.WithPart(Tabletop));
    }

    public static void Chair(Canvas cv, ref WorldRng r, float x, float yb, float h)
    {
        var d = r.Chance(0.5f) ? 1f : -1f;
        var p = new Paint(WorldLabels.Chair, Leg, Wood, Texture.Wood, Vary(new Rgb(125, 85, 50), ref r, 25), S(ref r), 0.4f);
        var lw = MathF.Max(1.5f, h * 0.06f);
        cv.FillRect(x - h * 0.22f, yb - h * 0.48f, x - h * 0.22f + lw, yb, p);
        cv.FillRect(x + h * 0.22f - lw, yb - h * 0.48f, x + h * 0.22f, yb, p);
        var bx = x + d * h * 0.22f;
        cv.FillRect(MathF.Min(bx, bx - d * lw * 1.3f), yb - h, MathF.Max(bx, bx - d * lw * 1.3f), yb - h * 0.48f, p.WithPart(Backrest));
        cv.FillRect(x - h * 0.26f, yb - h * 0.52f, x + h * 0.26f, yb - h * 0.44f, p.WithPart(Seat));
    }

    public static void Cabinet(Canvas cv, ref WorldRng r, float x, float yb, float w, float h)
    {
        var painted = r.Chance(0.4f);
        var body = painted
            ? new Paint(WorldLabels.Cabinet, 0, Plaster, Texture.Flat, r.Pick(new[] { new Rgb(240, 240, 235), new Rgb(90, 120, 150), new Rgb(190, 210, 190) }))
            : new Paint(WorldLabels.Cabinet, 0, Wood, Texture.Wood, Vary(new Rgb(135, 90, 50), ref r, 20), S(ref r), 0.5f);
        cv.FillRect(x - w / 2, yb - h, x + w / 2, yb, body);
        var n = r.Int(1, 3);
        var m = MathF.Max(1, w * 0.06f);
        var drawer = body.WithPart(Drawer) with { Color = body.Color.Scale(0.88f) };
        var handle = new Paint(WorldLabels.Cabinet, Handle, Metal, Texture.Flat, new Rgb(200, 200, 205));
        for (var k = 0; k < n; k++)
        {
            var top = yb - h + m + k * (h - m) / n; var bottom = yb - h + (k + 1) * (h - m) / n;
            cv.FillRect(x - w / 2 + m, top, x + w / 2 - m, bottom, drawer);
            var cy = (top + bottom) / 2;
            cv.FillRect(x - w * 0.12f, cy - MathF.Max(0.75f, h * 0.02f), x + w * 0.12f, cy + MathF.Max(0.75f, h * 0.02f), handle);
        }
    }

    public static void Sofa(Canvas cv, ref WorldRng r, float x, float yb, float w)
    {
        var c = r.Pick(Paints);
        var p = new Paint(WorldLabels.Sofa, 0, Fabric, Texture.Fabric, c, S(ref r), 1, c.Scale(0.75f));
        cv.FillRect(x - w * 0.45f, yb - w * 0.05f, x - w * 0.42f, yb, p);
        cv.FillRect(x + w * 0.42f, yb - w * 0.05f, x + w * 0.45f, yb, p);
        cv.FillRect(x - w * 0.44f, yb - w * 0.5f, x + w * 0.44f, yb - w * 0.27f, p.WithPart(Backrest));
        cv.FillRect(x - w * 0.44f, yb - w * 0.28f, x + w * 0.44f, yb - w * 0.05f, p.WithPart(Seat));
        cv.FillRect(x - w / 2, yb - w * 0.36f, x - w * 0.4f, yb - w * 0.05f, p);
        cv.FillRect(x + w * 0.4f, yb - w * 0.36f, x + w / 2, yb - w * 0.05f, p);
    }

    public static void Painting(Canvas cv, ref WorldRng r, float cx, float cy, float w, float h)
    {
        cv.FillRect(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, new Paint(WorldLabels.Painting, 0, Wood, Texture.Flat, r.Pick(new[] { new Rgb(170, 130, 50), new Rgb(40, 30, 25), new Rgb(230, 230, 230) })));
        var t = MathF.Max(1.5f, w * 0.08f);
        var colors = new[] { new Rgb(200, 60, 50), new Rgb(50, 80, 180), new Rgb(240, 210, 60), new Rgb(60, 150, 80), new Rgb(150, 70, 160), new Rgb(240, 140, 40), new Rgb(245, 245, 240), new Rgb(240, 150, 180) };
        cv.FillRect(cx - w / 2 + t, cy - h / 2 + t, cx + w / 2 - t, cy + h / 2 - t, new Paint(WorldLabels.Painting, 0, 0, Texture.Flat, r.Pick(colors)));
        var n = r.Int(2, 4);
        for (var k = 0; k < n; k++)
        {
            var px = cx + r.Range(-0.25f, 0.25f) * w; var py = cy + r.Range(-0.25f, 0.25f) * h;
            var p = new Paint(WorldLabels.Painting, 0, 0, Texture.Flat, r.Pick(colors));
            if (r.Chance(0.5f)) cv.FillEllipse(px, py, w * r.Range(0.08f, 0.2f), h * r.Range(0.08f, 0.2f), p);
            else cv.FillRect(px - w * 0.12f, py - h * 0.1f, MathF.Min(px + w * 0.15f, cx + w / 2 - t), MathF.Min(py + h * 0.15f, cy + h / 2 - t), p);
        }
    }

    public static void Rug(Canvas cv, ref WorldRng r, float cx, float cy, float w, float h)
    {
        var c = r.Pick(new[] { new Rgb(170, 50, 50), new Rgb(60, 70, 140), new Rgb(200, 170, 110), new Rgb(80, 120, 90), new Rgb(130, 60, 120) });
        var p = new Paint(WorldLabels.Rug, 0, Fabric, Texture.Fabric, c, S(ref r), 1, r.Pick(new[] { new Rgb(240, 220, 160), new Rgb(30, 30, 30), new Rgb(240, 240, 240) }));
        if (r.Chance(0.5f)) cv.FillEllipse(cx, cy, w / 2, h / 2, p);
        else cv.FillRect(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, p);
    }

    public static void Refrigerator(Canvas cv, ref WorldRng r, float x, float yb, float w, float h)
    {
        var c = r.Pick(new[] { new Rgb(240, 240, 240), new Rgb(190, 195, 200), new Rgb(235, 230, 215) });
        var p = new Paint(WorldLabels.Refrigerator, 0, Metal, Texture.Metal, c, S(ref r));
        cv.FillRect(x - w / 2, yb - h, x + w / 2, yb, p);
        cv.FillRect(x - w / 2, yb - h * 0.66f, x + w / 2, yb - h * 0.66f + MathF.Max(1, h * 0.015f), p with { Texture = Texture.Flat, Color = c.Scale(0.6f) });
        var handle = new Paint(WorldLabels.Refrigerator, Handle, Metal, Texture.Flat, new Rgb(90, 90, 95));
        var hx = x + w * 0.35f; var hw = MathF.Max(1, w * 0.05f);
        cv.FillRect(hx - hw, yb - h * 0.92f, hx, yb - h * 0.72f, handle);
        cv.FillRect(hx - hw, yb - h * 0.6f, hx, yb - h * 0.35f, handle);
    }
}
