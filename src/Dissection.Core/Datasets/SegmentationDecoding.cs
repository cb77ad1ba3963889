// Turns one segmentation PNG into a plane of label numbers (R + 256*G) at the dataset's segmentation size.
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Dissection.Core.Datasets;

internal static class SegmentationDecoding
{
    /// <summary>Decodes a PNG into sh*sw labels, nearest-resizing if its size differs; labels must be known.</summary>
    /// <param name="isKnown">isKnown[n] is true when label n exists in label.csv (index 0 = unlabelled, always allowed).</param>
    public static int[] DecodePlane(string path, int segHeight, int segWidth, bool[] isKnown)
    {
        Image<Rgb24> image;
        try { image = ImageDecoding.Load<Rgb24>(path); }
        catch (BadImageException e) { throw new DatasetFormatException($"{path}: segmentation {e.Reason}", e); }
        using (image)
        {
            int h = image.Height, w = image.Width;
            if (SizeProblem(h, w, segHeight, segWidth) is { } problem) throw new DatasetFormatException($"{path}: segmentation {problem}");
            var native = new int[h * w];
            image.ProcessPixelRows(accessor =>
            {
                for (int y = 0; y < h; y++)
                {
                    var row = accessor.GetRowSpan(y);
                    int o = y * w;
                    for (int x = 0; x < w; x++) native[o + x] = BrodenFormat.DecodeLabel(row[x].R, row[x].G);
                }
            });
            for (int i = 0; i < native.Length; i++)
            {
                int n = native[i];
                if (n != 0 && (n >= isKnown.Length || !isKnown[n]))
                    throw new DatasetFormatException(
                        $"{path}: pixel ({i % w},{i / w}) has label {n}, which is not in label.csv");
            }
            return h == segHeight && w == segWidth ? native : NearestResize(native, h, w, segHeight, segWidth);
        }
    }

    /// <summary>Why a plane of h x w cannot serve a segmentation of sh x sw, or null. Broden stores some planes at a
    /// fraction of the segmentation size (and some tools write them at a multiple), so one whole factor shared by both
    /// sides is accepted and nearest-resized; any other size is a wrong mask, reported rather than silently stretched.</summary>
    internal static string? SizeProblem(int h, int w, int segHeight, int segWidth)
    {
        if (h == segHeight && w == segWidth) return null;
        bool smaller = segHeight % h == 0 && segWidth % w == 0 && segHeight / h == segWidth / w;
        bool larger = h % segHeight == 0 && w % segWidth == 0 && h / segHeight == w / segWidth;
        return smaller || larger ? null
            : $"is {w}x{h} pixels, but index.csv gives the segmentation size {segWidth}x{segHeight} (sw x sh); the mask does not fit its image";
    }

    /// <summary>Nearest-neighbour resize; target t takes source floor((t + 0.5) * src / dst).</summary>
    internal static int[] NearestResize(int[] source, int h, int w, int height, int width)
    {
        var result = new int[height * width];
        var cols = new int[width];
        for (int x = 0; x < width; x++) cols[x] = Math.Min(w - 1, (int)((x + 0.5) * w / width));
        for (int y = 0; y < height; y++)
        {
            int sy = Math.Min(h - 1, (int)((y + 0.5) * h / height));
            int so = sy * w, o = y * width;
            for (int x = 0; x < width; x++) result[o + x] = source[so + cols[x]];
        }
        return result;
    }
}
