// Bilinear upsampling of activation maps to the segmentation grid, as the PNAS code does it: pixel-centre aligned
// (target pixel t samples source x = (t+0.5)*h/H - 0.5) with ZERO padding, so edge pixels blend toward 0 instead of
// replicating the border. Written as two small interpolation matrices so that a whole batch is two matmuls; the same
// rule is used by Rendering's plain-C# upsampler, so masks drawn later match the masks counted here.
using static TorchSharp.torch;

namespace Dissection.Core.Tallies;

internal static class BilinearUpsampling
{
    /// <summary>The (dst x src) matrix R with out = R @ in along one axis.</summary>
    public static float[,] Weights(int src, int dst)
    {
        var r = new float[dst, src];
        for (var t = 0; t < dst; t++)
        {
            var x = (t + 0.5) * src / dst - 0.5;
            var x0 = (int)Math.Floor(x);
            var f = x - x0;
            // A neighbour outside the map contributes 0 (zero padding), so its weight is simply dropped.
            if (x0 >= 0 && x0 < src) r[t, x0] += (float)(1 - f);
            if (x0 + 1 >= 0 && x0 + 1 < src) r[t, x0 + 1] += (float)f;
        }
        return r;
    }

    public static Tensor Matrix(int src, int dst, Device? device = null) =>
        tensor(Weights(src, dst), ScalarType.Float32, device);

    /// <summary>Upsamples maps of shape (..., h, w) to (..., H, W).</summary>
    public static Tensor Apply(Tensor maps, int height, int width)
    {
        using var scope = NewDisposeScope();
        var h = (int)maps.shape[^2];
        var w = (int)maps.shape[^1];
        if (h == height && w == width) return maps.alias().MoveToOuterDisposeScope();
        var rh = Matrix(h, height, maps.device);
        var rw = Matrix(w, width, maps.device);
        return matmul(matmul(rh, maps), rw.t()).MoveToOuterDisposeScope();
    }
}
