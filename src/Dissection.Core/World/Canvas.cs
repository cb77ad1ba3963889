// The rasteriser: fills rectangles, ellipses and polygons into an RGB buffer and, at the same pixels, into object, part
// and material label buffers. Because colour and labels are written by the same loop, every label is exact by construction;
// later shapes overwrite earlier ones, which is the occlusion order.
namespace Dissection.Core.World;

internal sealed class Canvas
{
    public readonly int Size;
    public readonly byte[] Rgb;
    public readonly ushort[] Object, Part, Material;

    public Canvas(int size)
    {
        Size = size;
        Rgb = new byte[size * size * 3];
        Object = new ushort[size * size];
        Part = new ushort[size * size];
        Material = new ushort[size * size];
    }

    /// <summary>Paints pixels x0..x1-1 of row y (clipped).</summary>
    private void Span(int y, int x0, int x1, in Paint p)
    {
        if ((uint)y >= (uint)Size) return;
        if (x0 < 0) x0 = 0;
        if (x1 > Size) x1 = Size;
        for (var x = x0; x < x1; x++)
        {
            var i = y * Size + x;
            var c = TextureShader.Shade(p, x, y);
            Rgb[3 * i] = c.R; Rgb[3 * i + 1] = c.G; Rgb[3 * i + 2] = c.B;
            Object[i] = p.Object; Part[i] = p.Part; Material[i] = p.Material;
        }
    }

    // A pixel belongs to a shape when its centre (x+0.5, y+0.5) lies inside; these helpers give the first pixel index
    // whose centre is at or beyond a coordinate.
    private static int First(float v) => (int)MathF.Ceiling(v - 0.5f);

    public void FillRect(float x0, float y0, float x1, float y1, in Paint p)
    {
        int ya = Math.Max(0, First(y0)), yb = Math.Min(Size, First(y1));
        int xa = First(x0), xb = First(x1);
        for (var y = ya; y < yb; y++) Span(y, xa, xb, p);
    }

    public void FillEllipse(float cx, float cy, float rx, float ry, in Paint p)
    {
        if (rx <= 0 || ry <= 0) return;
        int ya = Math.Max(0, First(cy - ry)), yb = Math.Min(Size, First(cy + ry));
        for (var y = ya; y < yb; y++)
        {
            var dy = (y + 0.5f - cy) / ry;
            var q = 1 - dy * dy;
            if (q <= 0) continue;
            var half = rx * MathF.Sqrt(q);
            Span(y, First(cx - half), First(cx + half), p);
        }
    }

    /// <summary>Even-odd scanline fill of a polygon given as x0,y0,x1,y1,...</summary>
    public void FillPolygon(ReadOnlySpan<float> xy, in Paint p)
    {
        var n = xy.Length / 2;
        if (n < 3) return;
        float minY = float.MaxValue, maxY = float.MinValue;
        for (var k = 0; k < n; k++) { minY = MathF.Min(minY, xy[2 * k + 1]); maxY = MathF.Max(maxY, xy[2 * k + 1]); }
        Span<float> xs = stackalloc float[n];
        int ya = Math.Max(0, First(minY)), yb = Math.Min(Size, First(maxY));
        for (var y = ya; y < yb; y++)
        {
            var yc = y + 0.5f;
            var m = 0;
            for (var k = 0; k < n; k++)
            {
                float xi = xy[2 * k], yi = xy[2 * k + 1];
                var j = (k + 1) % n;
                float xj = xy[2 * j], yj = xy[2 * j + 1];
                if ((yi <= yc) != (yj <= yc)) xs[m++] = xi + (yc - yi) * (xj - xi) / (yj - yi);
            }
            xs[..m].Sort();
            for (var k = 0; k + 1 < m; k += 2) Span(y, First(xs[k]), First(xs[k + 1]), p);
        }
    }
}
