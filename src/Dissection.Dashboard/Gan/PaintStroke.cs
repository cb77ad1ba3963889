// One stroke of the GAN paint playground: which units it sets (chosen from a concept or by hand), to what, and where
// (a cell mask at the edited layer's resolution). Strokes are immutable, so undo/redo and permalinks share them.
using Dissection.Core.Gan;
using static TorchSharp.torch;

namespace Dissection.Dashboard.Gan;

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
    public int Cells => Mask.Count(m => m);

    /// <summary>The engine's edit for this stroke on `layer`.</summary>
    public UnitEdit ToEdit(string layer)
    {
        var region = tensor(Mask.Select(m => m ? 1f : 0f).ToArray(), [Side, Side]);
        return new UnitEdit(layer, Units, region, Mode == PaintMode.Paint ? Values : null);
    }

    /// <summary>A mask painted at image resolution (bit-packed, row-major, least significant bit first) reduced to the
    /// layer's cells by max-pooling (UnitEdit.RegionAt): a cell is in the stroke when any painted pixel falls in it.</summary>
    /// <exception cref="ArgumentException">the bits do not fill a width×height mask.</exception>
    public static bool[] PoolPaintedMask(byte[] packedBits, int width, int height, int side)
    {
        if (width <= 0 || height <= 0 || width > 4096 || height > 4096)
            throw new ArgumentException($"painted mask of {width}x{height} pixels is not a canvas size");
        if (packedBits.Length != (width * height + 7) / 8)
            throw new ArgumentException($"painted mask of {width}x{height} needs {(width * height + 7) / 8} bytes, got {packedBits.Length}");
        var pixels = new float[width * height];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = (packedBits[i >> 3] >> (i & 7) & 1) != 0 ? 1f : 0f;
        using var scope = NewDisposeScope();
        var region = UnitEdit.RegionAt(tensor(pixels, [height, width]), side);
        return region.flatten().data<float>().ToArray().Select(v => v > 0).ToArray();
    }
}
