// Composes one image of a scene: background layers first, then objects sorted by their ground line (far to near) so
// nearer objects occlude farther ones. Each scene is a distribution over objects; backgrounds are shared between scenes
// (sky, grass, sand, wall, floor), so a classifier has to find the objects to tell scenes apart.
namespace Dissection.Core.World;

internal static class SceneComposer
{
    private delegate void Draw(Canvas cv, ref WorldRng r);

    private sealed class Layout(Canvas cv, int seed)
    {
        private readonly List<(float Depth, int Order, uint Seed, Draw Draw)> _items = [];
        private WorldRng _seeds = new(seed, 7);
        public readonly Canvas Canvas = cv;
        public float S => Canvas.Size;

        public void Add(float depth, Draw draw) => _items.Add((depth, _items.Count, _seeds.NextUInt(), draw));

        public void Render()
        {
            foreach (var item in _items.OrderBy(i => i.Depth).ThenBy(i => i.Order))
            {
                var r = new WorldRng((int)item.Seed, item.Order);
                item.Draw(Canvas, ref r);
            }
        }
    }

    /// <summary>Draws scene number <paramref name="sceneIndex"/> (class index) into the canvas.</summary>
    public static void Compose(Canvas cv, int sceneIndex, ref WorldRng r)
    {
        var l = new Layout(cv, (int)r.NextUInt());
        var name = WorldCatalog.Scenes[sceneIndex].Name;
        var indoor = name is "bedroom" or "kitchen" or "living room";
        switch (name)
        {
            case "street": Street(l, ref r); break;
            case "forest": Forest(l, ref r); break;
            case "beach": Beach(l, ref r); break;
            case "harbor": Harbor(l, ref r); break;
            case "farm": Farm(l, ref r); break;
            case "mountain lake": MountainLake(l, ref r); break;
            case "desert": Desert(l, ref r); break;
            case "bedroom": Bedroom(l, ref r); break;
            case "kitchen": Kitchen(l, ref r); break;
            case "living room": LivingRoom(l, ref r); break;
            default: throw new InvalidOperationException($"no recipe for scene '{name}'");
        }
        if (r.Chance(0.2f)) Distractor(l, ref r, indoor);
        l.Render();
    }

    // Perspective: objects standing lower in the picture are nearer and drawn larger.
    private static float Near(float yb, float horizon, float size) => 0.45f + 0.75f * Math.Clamp((yb - horizon) / (size - horizon), 0, 1.2f);

    private static float SkyAndWeather(Layout l, ref WorldRng r, float hzLo, float hzHi, float sunP, int maxClouds)
    {
        var s = l.S; var hz = s * r.Range(hzLo, hzHi);
        ObjectPainter.Sky(l.Canvas, ref r, hz);
        if (r.Chance(sunP))
        {
            float sx = s * r.Range(0.1f, 0.9f), sy = hz * r.Range(0.2f, 0.6f), sr = s * r.Range(0.05f, 0.09f);
            l.Add(-3, (Canvas cv, ref WorldRng q) => ObjectPainter.Sun(cv, ref q, sx, sy, sr));
        }
        var nc = r.Int(0, maxClouds);
        for (var k = 0; k < nc; k++)
        {
            float cx = s * r.Range(0, 1), cy = hz * r.Range(0.15f, 0.7f), cw = s * r.Range(0.2f, 0.4f);
            l.Add(-2, (Canvas cv, ref WorldRng q) => ObjectPainter.Cloud(cv, ref q, cx, cy, cw));
        }
        return hz;
    }

    private static void Mountains(Layout l, ref WorldRng r, float hz, int n, float wScale, float hScale, float snowP, bool sandy)
    {
        var s = l.S;
        for (var k = 0; k < n; k++)
        {
            float mx = s * ((k + r.Range(0.1f, 0.9f)) / n), mw = s * wScale * r.Range(0.7f, 1.1f), mh = s * hScale * r.Range(0.7f, 1.1f);
            var snow = r.Chance(snowP);
            l.Add(-1 + k * 0.01f, (Canvas cv, ref WorldRng q) => ObjectPainter.Mountain(cv, ref q, mx, hz + 1, mw, mh, snow, sandy));
        }
    }

    private static void Trees(Layout l, ref WorldRng r, float hz, int n, float lo, float hi, float coniferP, float yMin, float yMax)
    {
        var s = l.S;
        for (var k = 0; k < n; k++)
        {
            float yb = r.Range(yMin, yMax), x = s * r.Range(-0.05f, 1.05f), h = s * r.Range(lo, hi) * Near(yb, hz, s);
            var conifer = r.Chance(coniferP);
            l.Add(yb, (Canvas cv, ref WorldRng q) => ObjectPainter.Tree(cv, ref q, x, yb, h, conifer));
        }
    }

    /// <summary>Sometimes a road band crosses the ground, so that a road alone never says "street".</summary>
    private static void CountryRoad(Layout l, ref WorldRng r, float groundTop, float p)
    {
        if (!r.Chance(p)) return;
        var s = l.S; var top = groundTop + (s - groundTop) * r.Range(0.3f, 0.7f);
        ObjectPainter.Road(l.Canvas, ref r, top, Math.Min(s, top + s * r.Range(0.1f, 0.18f)));
    }

    private static void Rocks(Layout l, ref WorldRng r, float hz, int n, float yMin, float yMax)
    {
        var s = l.S;
        for (var k = 0; k < n; k++)
        {
            float yb = r.Range(yMin, yMax), x = s * r.Range(0, 1), w = s * r.Range(0.12f, 0.25f) * Near(yb, hz, s);
            l.Add(yb, (Canvas cv, ref WorldRng q) => ObjectPainter.Rock(cv, ref q, x, yb, w));
        }
    }

    private static void People(Layout l, ref WorldRng r, float hz, int n, float yMin, float yMax)
    {
        var s = l.S;
        for (var k = 0; k < n; k++)
        {
            float yb = r.Range(yMin, yMax), x = s * r.Range(0.05f, 0.95f), h = s * r.Range(0.22f, 0.32f) * Near(yb, hz, s);
            l.Add(yb, (Canvas cv, ref WorldRng q) => ObjectPainter.Person(cv, ref q, x, yb, h));
        }
    }

    private static void Street(Layout l, ref WorldRng r)
    {
        var s = l.S;
        var hz = SkyAndWeather(l, ref r, 0.28f, 0.42f, 0.3f, 2);
        ObjectPainter.Ground(l.Canvas, ref r, WorldLabels.Grass, hz, s);
        var roadTop = hz + (s - hz) * r.Range(0.35f, 0.5f);
        ObjectPainter.Road(l.Canvas, ref r, roadTop);
        var nh = r.Int(2, 3);
        for (var k = 0; k < nh; k++)
        {
            float x = s * (k + r.Range(0.3f, 0.7f)) / nh, yb = roadTop - r.Range(0, (roadTop - hz) * 0.5f), w = s * r.Range(0.32f, 0.45f);
            l.Add(yb, (Canvas cv, ref WorldRng q) => ObjectPainter.House(cv, ref q, x, yb, w));
        }
        var nCars = r.Int(1, 2);
        for (var k = 0; k < nCars; k++)
        {
            float yb = roadTop + (s - roadTop) * r.Range(0.45f, 1f), x = s * r.Range(0.15f, 0.85f), w = s * r.Range(0.38f, 0.5f) * Near(yb, hz, s);
            l.Add(yb, (Canvas cv, ref WorldRng q) => ObjectPainter.Car(cv, ref q, x, yb, w));
        }
        People(l, ref r, hz, r.Int(0, 2), roadTop - 3, roadTop + 4);
        Trees(l, ref r, hz, r.Int(0, 2), 0.3f, 0.45f, 0.2f, hz + 2, roadTop - 1);
        if (r.Chance(0.2f))
        {
            float x0 = s * r.Range(-0.1f, 0.4f), yb = roadTop - 1, h = s * 0.08f;
            l.Add(yb, (Canvas cv, ref WorldRng q) => ObjectPainter.Fence(cv, ref q, x0, x0 + s * 0.5f, yb, h));
        }
    }

    private static void Forest(Layout l, ref WorldRng r)
    {
        var s = l.S;
        var hz = SkyAndWeather(l, ref r, 0.25f, 0.42f, 0.2f, 2);
        if (r.Chance(0.3f)) Mountains(l, ref r, hz, r.Int(1, 2), 0.6f, 0.2f, 0.3f, false);
        ObjectPainter.Ground(l.Canvas, ref r, WorldLabels.Grass, hz, s);
        Trees(l, ref r, hz, r.Int(4, 8), 0.4f, 0.6f, 0.5f, hz + 2, s * 1.08f);
        var nb = r.Int(1, 3);
        for (var k = 0; k < nb; k++)
        {
            float yb = r.Range(hz + 4, s), x = s * r.Range(0, 1), w = s * r.Range(0.15f, 0.25f) * Near(yb, hz, s);
            l.Add(yb, (Canvas cv, ref WorldRng q) => ObjectPainter.Bush(cv, ref q, x, yb, w));
        }
        Rocks(l, ref r, hz, r.Int(0, 2), hz + 4, s);
        if (r.Chance(0.15f)) People(l, ref r, hz, 1, hz + (s - hz) * 0.5f, s);
    }

    private static void Beach(Layout l, ref WorldRng r)
    {
        var s = l.S;
        var hz = SkyAndWeather(l, ref r, 0.3f, 0.45f, 0.7f, 3);
        var shore = hz + (s - hz) * r.Range(0.35f, 0.55f);
        ObjectPainter.Ground(l.Canvas, ref r, WorldLabels.Sea, hz, shore + 4);
        ObjectPainter.WavyGround(l.Canvas, ref r, WorldLabels.Sand, shore, s * 0.02f);
        var nb = r.Int(0, 2);
        for (var k = 0; k < nb; k++)
        {
            float yw = r.Range(hz + 3, shore - 3), x = s * r.Range(0.1f, 0.9f), w = s * r.Range(0.2f, 0.3f) * Near(yw, hz, s);
            l.Add(yw, (Canvas cv, ref WorldRng q) => ObjectPainter.Boat(cv, ref q, x, yw, w));
        }
        People(l, ref r, hz, r.Int(1, 3), shore + 6, s);
        Rocks(l, ref r, hz, r.Int(0, 1), shore + 4, s);
    }

    private static void Harbor(Layout l, ref WorldRng r)
    {
        var s = l.S;
        var hz = SkyAndWeather(l, ref r, 0.25f, 0.38f, 0.3f, 2);
        var shore = hz + s * 0.06f;
        ObjectPainter.Ground(l.Canvas, ref r, WorldLabels.Grass, hz, shore);
        ObjectPainter.Ground(l.Canvas, ref r, WorldLabels.Sea, shore, s);
        var nh = r.Int(1, 3);
        for (var k = 0; k < nh; k++)
        {
            float x = s * (k + r.Range(0.2f, 0.8f)) / nh, w = s * r.Range(0.15f, 0.22f);
            l.Add(shore - 0.5f, (Canvas cv, ref WorldRng q) => ObjectPainter.House(cv, ref q, x, shore, w));
        }
        var pierY = s * r.Range(0.78f, 0.9f);
        if (r.Chance(0.8f))
        {
            var left = r.Chance(0.5f); var len = s * r.Range(0.4f, 0.7f);
            float x0 = left ? -2 : s - len, x1 = left ? len : s + 2, th = s * 0.05f;
            l.Add(pierY, (Canvas cv, ref WorldRng q) => ObjectPainter.Pier(cv, ref q, x0, x1, pierY, th));
            if (r.Chance(0.4f))
            {
                float px = r.Range(x0 + 5, x1 - 5), ph = s * 0.28f;
                l.Add(pierY + 0.1f, (Canvas cv, ref WorldRng q) => ObjectPainter.Person(cv, ref q, px, pierY - th + 1, ph));
            }
        }
        var nBoats = r.Int(2, 3);
        for (var k = 0; k < nBoats; k++)
        {
            float yw = r.Range(shore + s * 0.08f, s * 0.97f), x = s * (k + r.Range(0.2f, 0.8f)) / nBoats, w = s * r.Range(0.3f, 0.42f) * Near(yw, hz, s);
            l.Add(yw, (Canvas cv, ref WorldRng q) => ObjectPainter.Boat(cv, ref q, x, yw, w));
        }
    }

    private static void Farm(Layout l, ref WorldRng r)
    {
        var s = l.S;
        var hz = SkyAndWeather(l, ref r, 0.28f, 0.42f, 0.4f, 3);
        ObjectPainter.Ground(l.Canvas, ref r, WorldLabels.Grass, hz, s);
        CountryRoad(l, ref r, hz, 0.35f);
        if (r.Chance(0.85f))
        {
            float x = s * r.Range(0.2f, 0.8f), yb = hz + s * r.Range(0.03f, 0.12f), w = s * r.Range(0.3f, 0.42f);
            l.Add(yb, (Canvas cv, ref WorldRng q) => ObjectPainter.House(cv, ref q, x, yb, w));
        }
        var nf = r.Int(1, 2);
        for (var k = 0; k < nf; k++)
        {
            float yb = r.Range(hz + (s - hz) * 0.25f, s * 0.98f), x0 = s * r.Range(-0.1f, 0.3f), len = s * r.Range(0.5f, 1f), h = s * 0.12f * Near(yb, hz, s);
            l.Add(yb, (Canvas cv, ref WorldRng q) => ObjectPainter.Fence(cv, ref q, x0, x0 + len, yb, h));
        }
        var nc = r.Int(1, 3);
        for (var k = 0; k < nc; k++)
        {
            float yb = r.Range(hz + (s - hz) * 0.3f, s), x = s * r.Range(0.1f, 0.9f), w = s * r.Range(0.3f, 0.4f) * Near(yb, hz, s);
            l.Add(yb, (Canvas cv, ref WorldRng q) => ObjectPainter.Cow(cv, ref q, x, yb, w));
        }
        Trees(l, ref r, hz, r.Int(0, 2), 0.3f, 0.45f, 0.2f, hz + 2, hz + (s - hz) * 0.4f);
    }

    private static void MountainLake(Layout l, ref WorldRng r)
    {
        var s = l.S;
        var hz = SkyAndWeather(l, ref r, 0.38f, 0.5f, 0.3f, 2);
        Mountains(l, ref r, hz, r.Int(2, 3), 0.75f, 0.32f, 0.6f, false);
        var shore = hz + (s - hz) * r.Range(0.4f, 0.6f);
        ObjectPainter.Ground(l.Canvas, ref r, WorldLabels.Lake, hz, shore + 4);
        ObjectPainter.WavyGround(l.Canvas, ref r, WorldLabels.Grass, shore, s * 0.03f);
        CountryRoad(l, ref r, shore + 2, 0.25f);
        Trees(l, ref r, hz, r.Int(1, 4), 0.4f, 0.55f, 0.7f, shore + 4, s * 1.05f);
        Rocks(l, ref r, hz, r.Int(1, 3), shore + 3, s);
        if (r.Chance(0.3f))
        {
            float yw = r.Range(hz + 4, shore - 2), x = s * r.Range(0.2f, 0.8f), w = s * 0.2f * Near(yw, hz, s);
            l.Add(yw, (Canvas cv, ref WorldRng q) => ObjectPainter.Boat(cv, ref q, x, yw, w));
        }
    }

    private static void Desert(Layout l, ref WorldRng r)
    {
        var s = l.S;
        var hz = SkyAndWeather(l, ref r, 0.3f, 0.48f, 0.8f, 1);
        if (r.Chance(0.5f)) Mountains(l, ref r, hz, r.Int(1, 2), 0.7f, 0.18f, 0, true);
        ObjectPainter.WavyGround(l.Canvas, ref r, WorldLabels.Sand, hz, s * 0.015f);
        CountryRoad(l, ref r, hz, 0.3f);
        var n = r.Int(1, 4);
        for (var k = 0; k < n; k++)
        {
            float yb = r.Range(hz + 4, s * 1.02f), x = s * r.Range(0.05f, 0.95f), h = s * r.Range(0.4f, 0.55f) * Near(yb, hz, s);
            l.Add(yb, (Canvas cv, ref WorldRng q) => ObjectPainter.Cactus(cv, ref q, x, yb, h));
        }
        Rocks(l, ref r, hz, r.Int(1, 3), hz + 4, s);
    }

    private static float Room(Layout l, ref WorldRng r, bool kitchen)
    {
        var s = l.S; var floorY = s * r.Range(0.58f, 0.72f);
        ObjectPainter.Wall(l.Canvas, ref r, floorY, kitchen);
        ObjectPainter.Floor(l.Canvas, ref r, floorY, kitchen ? r.Chance(0.7f) : r.Chance(0.25f));
        return floorY;
    }

    private static void WallWindow(Layout l, ref WorldRng r, float floorY, float p)
    {
        if (!r.Chance(p)) return;
        float s = l.S, w = s * r.Range(0.2f, 0.3f), h = w * r.Range(1f, 1.4f), x = s * r.Range(0.2f, 0.8f), y = floorY * r.Range(0.35f, 0.5f);
        l.Add(-1, (Canvas cv, ref WorldRng q) => ObjectPainter.Window(cv, ref q, x, y, w, h));
    }

    private static void WallPainting(Layout l, ref WorldRng r, float floorY, float p)
    {
        if (!r.Chance(p)) return;
        float s = l.S, w = s * r.Range(0.18f, 0.3f), h = w * r.Range(0.65f, 1f), x = s * r.Range(0.2f, 0.8f), y = floorY * r.Range(0.25f, 0.45f);
        l.Add(-0.9f, (Canvas cv, ref WorldRng q) => ObjectPainter.Painting(cv, ref q, x, y, w, h));
    }

    private static void FloorRug(Layout l, ref WorldRng r, float floorY, float p)
    {
        if (!r.Chance(p)) return;
        float s = l.S, w = s * r.Range(0.4f, 0.7f), h = (s - floorY) * r.Range(0.3f, 0.6f), x = s * r.Range(0.3f, 0.7f), y = floorY + (s - floorY) * r.Range(0.4f, 0.7f);
        l.Add(floorY, (Canvas cv, ref WorldRng q) => ObjectPainter.Rug(cv, ref q, x, y, w, h));
    }

    private static void Bedroom(Layout l, ref WorldRng r)
    {
        var s = l.S;
        var floorY = Room(l, ref r, false);
        WallWindow(l, ref r, floorY, 0.6f);
        WallPainting(l, ref r, floorY, 0.5f);
        if (r.Chance(0.25f)) { float dx = s * r.Range(0.05f, 0.95f), dw = s * 0.16f, dh = floorY * 0.75f; l.Add(-0.8f, (Canvas cv, ref WorldRng q) => ObjectPainter.Door(cv, ref q, dx, floorY + 1, dw, dh)); }
        FloorRug(l, ref r, floorY, 0.5f);
        float bx = s * r.Range(0.35f, 0.65f), byb = s * r.Range(0.86f, 0.97f), bw = s * r.Range(0.6f, 0.8f);
        l.Add(byb, (Canvas cv, ref WorldRng q) => ObjectPainter.Bed(cv, ref q, bx, byb, bw));
        if (r.Chance(0.7f))
        {
            var right = r.Chance(0.5f);
            float nx = right ? bx + bw / 2 + s * 0.09f : bx - bw / 2 - s * 0.09f, nyb = byb - s * 0.05f, nw = s * 0.16f, nh = s * 0.2f;
            l.Add(nyb, (Canvas cv, ref WorldRng q) => ObjectPainter.Cabinet(cv, ref q, nx, nyb, nw, nh));
            if (r.Chance(0.85f)) { var lh = s * 0.25f; l.Add(nyb + 0.01f, (Canvas cv, ref WorldRng q) => ObjectPainter.Lamp(cv, ref q, nx, nyb - nh, lh)); }
        }
        else if (r.Chance(0.5f))
        {
            float lx = s * r.Range(0.05f, 0.95f), lyb = floorY + s * 0.1f, lh = s * 0.55f;
            l.Add(lyb, (Canvas cv, ref WorldRng q) => ObjectPainter.Lamp(cv, ref q, lx, lyb, lh));
        }
    }

    private static void Kitchen(Layout l, ref WorldRng r)
    {
        var s = l.S;
        var floorY = Room(l, ref r, true);
        WallWindow(l, ref r, floorY * 0.8f, 0.5f);
        var counterTop = floorY - s * r.Range(0.12f, 0.2f);
        float x0 = s * r.Range(-0.1f, 0.2f), cw = s * r.Range(0.2f, 0.28f);
        var n = r.Int(2, 4);
        for (var k = 0; k < n; k++)
        {
            float cx = x0 + cw * (k + 0.5f), cyb = floorY + s * 0.04f, ch = cyb - counterTop;
            l.Add(cyb, (Canvas cv, ref WorldRng q) => ObjectPainter.Cabinet(cv, ref q, cx, cyb, cw, ch));
        }
        if (r.Chance(0.7f))
        {
            float ux = x0 + s * r.Range(0, 0.2f), uyb = s * r.Range(0.25f, 0.32f), uh = s * r.Range(0.15f, 0.2f);
            var m = r.Int(2, 3);
            for (var k = 0; k < m; k++) { var ucx = ux + cw * (k + 0.5f); l.Add(-0.5f, (Canvas cv, ref WorldRng q) => ObjectPainter.Cabinet(cv, ref q, ucx, uyb, cw, uh)); }
        }
        if (r.Chance(0.7f))
        {
            float fw = s * r.Range(0.2f, 0.26f), fh = s * r.Range(0.6f, 0.72f), fx = r.Chance(0.5f) ? s - fw * 0.6f : x0 + cw * n + fw * 0.55f, fyb = floorY + s * 0.06f;
            l.Add(fyb, (Canvas cv, ref WorldRng q) => ObjectPainter.Refrigerator(cv, ref q, fx, fyb, fw, fh));
        }
        if (r.Chance(0.5f))
        {
            float tx = s * r.Range(0.3f, 0.7f), tyb = s * r.Range(0.9f, 1f), tw = s * r.Range(0.4f, 0.55f), th = s * 0.25f;
            l.Add(tyb, (Canvas cv, ref WorldRng q) => ObjectPainter.Table(cv, ref q, tx, tyb, tw, th));
            var nch = r.Int(0, 2);
            for (var k = 0; k < nch; k++)
            {
                float chx = tx + (k == 0 ? -1 : 1) * tw * 0.6f, chyb = tyb - s * 0.01f, chh = s * 0.38f;
                l.Add(chyb, (Canvas cv, ref WorldRng q) => ObjectPainter.Chair(cv, ref q, chx, chyb, chh));
            }
        }
        if (r.Chance(0.4f)) { float px = s * r.Range(0.2f, 0.8f), pb = s * r.Range(0.2f, 0.3f), ph = s * 0.25f; l.Add(-0.4f, (Canvas cv, ref WorldRng q) => ObjectPainter.PendantLamp(cv, ref q, px, pb, ph)); }
    }

    private static void LivingRoom(Layout l, ref WorldRng r)
    {
        var s = l.S;
        var floorY = Room(l, ref r, false);
        WallWindow(l, ref r, floorY, 0.5f);
        WallPainting(l, ref r, floorY, 0.7f);
        FloorRug(l, ref r, floorY, 0.7f);
        float sx = s * r.Range(0.3f, 0.7f), syb = floorY + s * r.Range(0.08f, 0.18f), sw = s * r.Range(0.55f, 0.75f);
        l.Add(syb, (Canvas cv, ref WorldRng q) => ObjectPainter.Sofa(cv, ref q, sx, syb, sw));
        if (r.Chance(0.8f))
        {
            float tx = s * r.Range(0.3f, 0.7f), tyb = s * r.Range(0.9f, 0.99f), tw = s * r.Range(0.35f, 0.45f), th = s * 0.13f;
            l.Add(tyb, (Canvas cv, ref WorldRng q) => ObjectPainter.Table(cv, ref q, tx, tyb, tw, th));
        }
        if (r.Chance(0.6f))
        {
            float lx = r.Chance(0.5f) ? s * r.Range(0.04f, 0.15f) : s * r.Range(0.85f, 0.96f), lyb = syb + s * 0.02f, lh = s * 0.6f;
            l.Add(lyb, (Canvas cv, ref WorldRng q) => ObjectPainter.Lamp(cv, ref q, lx, lyb, lh));
        }
        if (r.Chance(0.3f))
        {
            float cx = s * r.Range(0.05f, 0.95f), cyb = s * r.Range(0.85f, 1f), ch = s * 0.38f;
            l.Add(cyb, (Canvas cv, ref WorldRng q) => ObjectPainter.Chair(cv, ref q, cx, cyb, ch));
        }
        if (r.Chance(0.3f))
        {
            float cx = s * r.Range(0.1f, 0.9f), cyb = floorY + s * 0.03f, cw = s * 0.28f, ch = s * 0.16f;
            l.Add(cyb - 0.1f, (Canvas cv, ref WorldRng q) => ObjectPainter.Cabinet(cv, ref q, cx, cyb, cw, ch));
        }
    }

    /// <summary>One object that does not belong to the scene, so no single object is a perfect scene cue.</summary>
    private static void Distractor(Layout l, ref WorldRng r, bool indoor)
    {
        var s = l.S;
        float x = s * r.Range(0.1f, 0.9f), yb = s * r.Range(0.75f, 1f);
        var kind = indoor ? r.Int(0, 4) : r.Int(5, 11);
        Draw d = kind switch
        {
            0 => (Canvas cv, ref WorldRng q) => ObjectPainter.Chair(cv, ref q, x, yb, s * 0.35f),
            1 => (Canvas cv, ref WorldRng q) => ObjectPainter.Lamp(cv, ref q, x, yb, s * 0.45f),
            2 => (Canvas cv, ref WorldRng q) => ObjectPainter.Table(cv, ref q, x, yb, s * 0.35f, s * 0.2f),
            3 => (Canvas cv, ref WorldRng q) => ObjectPainter.Cabinet(cv, ref q, x, yb, s * 0.2f, s * 0.22f),
            4 => (Canvas cv, ref WorldRng q) => ObjectPainter.Person(cv, ref q, x, yb, s * 0.45f),
            5 => (Canvas cv, ref WorldRng q) => ObjectPainter.Car(cv, ref q, x, yb, s * 0.35f),
            6 => (Canvas cv, ref WorldRng q) => ObjectPainter.Person(cv, ref q, x, yb, s * 0.3f),
            7 => (Canvas cv, ref WorldRng q) => ObjectPainter.Tree(cv, ref q, x, yb, s * 0.45f, q.Chance(0.5f)),
            8 => (Canvas cv, ref WorldRng q) => ObjectPainter.Cow(cv, ref q, x, yb, s * 0.3f),
            9 => (Canvas cv, ref WorldRng q) => ObjectPainter.Rock(cv, ref q, x, yb, s * 0.2f),
            10 => (Canvas cv, ref WorldRng q) => ObjectPainter.Bush(cv, ref q, x, yb, s * 0.22f),
            _ => (Canvas cv, ref WorldRng q) => ObjectPainter.Fence(cv, ref q, x - s * 0.25f, x + s * 0.25f, yb, s * 0.1f),
        };
        l.Add(yb, d);
    }
}
