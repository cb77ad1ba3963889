// One stroke of GAN paint: which units it sets (chosen from a concept or by hand), to what, and where (a cell mask at
// the edited layer's resolution). The painted canvas becomes that mask once, when the stroke is drawn; the stroke then
// keeps its region tensor, so a render never rebuilds it. Strokes are immutable, so undo/redo and permalinks share them.
using Dissection.Core.Instrumentation;
using static TorchSharp.torch;

namespace Dissection.Core.Gan;

public enum PaintMode
{
    /// <summary>Ablate: set the units to 0 inside the mask (GANPaint's "remove").</summary>
    Erase = 0,
    /// <summary>Insert: set the units to their high (99th percentile) level inside the mask (GANPaint's "draw").</summary>
    Paint = 1,
}

/// <param name="Concept">The concept the units were chosen for; null when they were picked by hand.</param>
/// <param name="Units">Channels of the edited layer.</param>
/// <param name="Values">Target level per unit for Paint (same order as Units); empty for Erase.</param>
/// <param name="Side">The layer's spatial side: Mask has Side×Side cells, row-major.</param>
public sealed record PaintStroke(string? Concept, IReadOnlyList<int> Units, PaintMode Mode, IReadOnlyList<float> Values, int Side, bool[] Mask)
{
    // The region made from Mask, with the array it was made from: a copy made with `with { Mask = ... }` carries
    // this field along, and must not use another mask's region.
    private RegionOf? _region;

    private sealed record RegionOf(bool[] Mask, Tensor Region);

    public int Cells => Mask.Count(m => m);

    /// <summary>The engine's edit for this stroke on `layer`; its region tensor is made on first use and kept.</summary>
    public UnitEdit ToEdit(string layer) => new(layer, Units, Region(), Mode == PaintMode.Paint ? Values : null);

    private Tensor Region()
    {
        if (_region is { } made && ReferenceEquals(made.Mask, Mask)) return made.Region;
        // Outside any caller's dispose scope: the stroke owns it for its lifetime (the GC frees it with the stroke).
        var region = tensor(Mask.Select(m => m ? 1f : 0f).ToArray(), [Side, Side]).DetachFromDisposeScope();
        _region = new RegionOf(Mask, region);
        return region;
    }

    /// <summary>A mask painted at image resolution (bit-packed, row-major, least significant bit first) reduced to the
    /// layer's cells by max-pooling with adaptive_max_pool2d's bins (cell i covers pixels floor(i·n/side) up to
    /// ceil((i+1)·n/side)): a cell is in the stroke when any painted pixel falls in it, as UnitEdit.RegionAt does.</summary>
    /// <exception cref="ArgumentException">the bits do not fill a width×height mask, or the side is not positive.</exception>
    public static bool[] PoolPaintedMask(byte[] packedBits, int width, int height, int side)
    {
        if (width <= 0 || height <= 0 || width > 4096 || height > 4096)
            throw new ArgumentException($"painted mask of {width}x{height} pixels is not a canvas size");
        if (packedBits.Length != (width * height + 7) / 8)
            throw new ArgumentException($"painted mask of {width}x{height} needs {(width * height + 7) / 8} bytes, got {packedBits.Length}");
        if (side <= 0) throw new ArgumentException($"a layer side of {side} cells is not a grid");
        var cells = new bool[side * side];
        for (var cy = 0; cy < side; cy++)
        {
            int y0 = cy * height / side, y1 = ((cy + 1) * height + side - 1) / side;
            for (var cx = 0; cx < side; cx++)
            {
                int x0 = cx * width / side, x1 = ((cx + 1) * width + side - 1) / side;
                var any = false;
                for (var y = y0; y < y1 && !any; y++)
                    for (var x = x0; x < x1 && !any; x++)
                    {
                        var i = y * width + x;
                        any = (packedBits[i >> 3] >> (i & 7) & 1) != 0;
                    }
                cells[cy * side + cx] = any;
            }
        }
        return cells;
    }
}
