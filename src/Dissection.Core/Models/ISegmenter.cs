// Anything that labels the pixels of images with concepts in a dataset's numbering: the world segmenter, or a port of
// the reference's unified-parsing network. Generator dissection and the GAN playground only see this interface.
using Dissection.Core.Datasets;
using static TorchSharp.torch;

namespace Dissection.Core.Models;

public interface ISegmenter
{
    /// <summary>The category of each output plane, e.g. ["object", "part", "material", "color"].</summary>
    IReadOnlyList<string> PlaneCategories { get; }

    /// <summary>(N,3,H,W) RGB in [0,1] → (N, planes, H, W) int64 label numbers in the dataset's numbering; 0 = unlabelled.</summary>
    Tensor SegmentPlanes(Tensor images01);
}

public static class SegmenterExtensions
{
    /// <summary>One PixelLabels per image, planes at the input's resolution.</summary>
    public static IReadOnlyList<PixelLabels> Segment(this ISegmenter segmenter, Tensor images01)
    {
        using var planes = segmenter.SegmentPlanes(images01);
        using var cpu = planes.to(CPU).to_type(ScalarType.Int32).contiguous();
        int n = (int)cpu.shape[0], p = (int)cpu.shape[1], h = (int)cpu.shape[2], w = (int)cpu.shape[3];
        var all = cpu.data<int>().ToArray();
        var result = new PixelLabels[n];
        for (var i = 0; i < n; i++)
        {
            var list = new int[p][];
            for (var k = 0; k < p; k++) list[k] = all.AsSpan((i * p + k) * h * w, h * w).ToArray();
            result[i] = new PixelLabels(h, w, list, [], segmenter.PlaneCategories);
        }
        return result;
    }
}
