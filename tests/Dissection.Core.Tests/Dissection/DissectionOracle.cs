// A tiny, exactly computable dissection problem shared by the pipeline tests: a real TorchSharp Conv2d with dyadic
// weights on dyadic images (so float32, fp16 and double arithmetic agree bit for bit), 8x8 label planes, and a
// brute-force oracle that recomputes thresholds, masks, IoUs, labels, top-k and histograms by direct loops.
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using TorchSharp;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Dissection;

internal sealed class DissectionOracle : IDisposable
{
    public const int Size = 16, Seg = 8, MapSize = 4, Units = 4;
    public static readonly string[] Categories = ["color", "object", "part", "scene"];
    public static readonly Concept[] Concepts =
    [
        new(0, "-", ""), new(1, "red", "color"), new(2, "blue", "color"), new(3, "tree", "object"), new(4, "sky", "object"),
        new(5, "leaf", "part"), new(6, "forest", "scene"), new(7, "street", "scene"),
    ];

    public readonly List<DatasetImage> Images = [];
    public readonly Dictionary<int, float[,,]> Pixels = [];         // by image index
    public readonly Dictionary<int, PixelLabels> Labels = [];
    public readonly HashSet<int> Corrupt = [];
    public readonly float[,,,] Weights = new float[Units, 3, 4, 4];
    public readonly nn.Module<Tensor, Tensor> Model;

    public DissectionOracle(int images, int seed, int? corrupt = null)
    {
        var rng = new Random(seed);
        for (var u = 0; u < Units; u++) for (var c = 0; c < 3; c++) for (var y = 0; y < 4; y++) for (var x = 0; x < 4; x++)
            Weights[u, c, y, x] = (rng.Next(5) - 2) * 0.5f;
        var conv = nn.Conv2d(3, Units, 4, stride: 4, bias: false);
        using (no_grad()) conv.weight!.copy_(tensor(Weights));
        Model = nn.Sequential(conv, nn.ReLU());
        for (var i = 0; i < images; i++)
        {
            var index = i * 2 + 1;   // dataset indices need not be contiguous
            Images.Add(new DatasetImage(index, $"images/img{i}.jpg", i % 4 == 3 ? "val" : "train", Size, Size, Seg, Seg, null));
            var px = new float[3, Size, Size];
            for (var c = 0; c < 3; c++) for (var y = 0; y < Size; y++) for (var x = 0; x < Size; x++) px[c, y, x] = rng.Next(5) * 0.25f;
            Pixels[index] = px;
            var planes = new List<int[]> { Enumerable.Range(0, Seg * Seg).Select(p => (p / Seg < 4) == (i % 2 == 0) ? 3 : rng.Next(3)).ToArray() };
            if (i % 3 != 2) planes.Add(Enumerable.Range(0, Seg * Seg).Select(_ => rng.Next(3) == 0 ? 5 : rng.Next(2) == 0 ? 4 : 0).ToArray());
            if (i == 1) planes.Add((int[])planes[0].Clone());   // duplicate labels in a second plane count once
            int[] imageLabels = i % 3 == 0 ? [6] : i % 3 == 1 ? [7] : [];
            var cats = new List<string> { "color", "object" };
            if (planes.Count > 1) cats.Add("part");
            if (imageLabels.Length > 0) cats.Add("scene");
            Labels[index] = new PixelLabels(Seg, Seg, planes, imageLabels, cats);
        }
        if (corrupt is { } bad) Corrupt.Add(Images[bad].Index);
    }

    public DissectionInputs Inputs(IReadOnlyList<DatasetImage>? images = null) => new(
        images ?? Images,
        batch =>
        {
            var ok = batch.Where(b => !Corrupt.Contains(b.Index)).ToList();
            var pixels = ok.Count == 0 ? null : stack(ok.Select(b => tensor(Pixels[b.Index])).ToArray());
            return new LoadedBatch(ok, pixels, batch.Where(b => Corrupt.Contains(b.Index)).Select(b => b.Path).ToList());
        },
        pixels => new Dictionary<string, Tensor> { ["conv"] = Model.call(pixels) },
        image => Labels[image.Index],
        Concepts,
        Categories);

    // ---- brute force --------------------------------------------------------------------------------------------
    public double[,] RawMap(int index, int unit)
    {
        var px = Pixels[index];
        var map = new double[MapSize, MapSize];
        for (var y = 0; y < MapSize; y++) for (var x = 0; x < MapSize; x++)
        {
            double s = 0;
            for (var c = 0; c < 3; c++) for (var ky = 0; ky < 4; ky++) for (var kx = 0; kx < 4; kx++)
                s += Weights[unit, c, ky, kx] * px[c, y * 4 + ky, x * 4 + kx];
            map[y, x] = (float)(Half)Math.Max(0, s);
        }
        return map;
    }

    public double[,] UpMap(int index, int unit)
    {
        var map = RawMap(index, unit);
        var up = new double[Seg, Seg];
        double At(int y, int x) => y >= 0 && y < MapSize && x >= 0 && x < MapSize ? map[y, x] : 0;
        for (var ty = 0; ty < Seg; ty++) for (var tx = 0; tx < Seg; tx++)
        {
            double sy = (ty + 0.5) * MapSize / Seg - 0.5, sx = (tx + 0.5) * MapSize / Seg - 0.5;
            int y0 = (int)Math.Floor(sy), x0 = (int)Math.Floor(sx);
            double fy = sy - y0, fx = sx - x0;
            // Exact in double (dyadic data), then rounded to fp16 as the engine defines upsampled values.
            up[ty, tx] = (float)(Half)((1 - fy) * ((1 - fx) * At(y0, x0) + fx * At(y0, x0 + 1)) + fy * ((1 - fx) * At(y0 + 1, x0) + fx * At(y0 + 1, x0 + 1)));
        }
        return up;
    }

    public static double ExactThreshold(IEnumerable<double> values, double q)
    {
        var sorted = values.OrderByDescending(v => v).ToArray();
        var k = Math.Clamp((long)Math.Floor(q * sorted.Length + 1e-9), 0, sorted.Length - 1);
        return sorted[k];
    }

    /// <summary>The PNAS threshold: exact top-q over the upsampled maps.</summary>
    public double Threshold(IReadOnlyList<DatasetImage> used, int unit, double q) =>
        ExactThreshold(used.SelectMany(i => UpMap(i.Index, unit).Cast<double>()), q);

    /// <summary>Every concept with a positive IoU for the unit, best first (ties by concept number).</summary>
    public List<(int Concept, double Iou)> RankedIous(IReadOnlyList<DatasetImage> used, int unit, double threshold) =>
        Enumerable.Range(1, Concepts.Length - 1)
            .Select(c => (Concept: c, Iou: Iou(used, unit, c, threshold))).Where(p => p.Iou > 0)
            .OrderByDescending(p => p.Iou).ThenBy(p => p.Concept).ToList();

    public double Iou(IReadOnlyList<DatasetImage> used, int unit, int concept, double threshold)
    {
        double isect = 0, mask = 0, label = 0;
        foreach (var img in used)
        {
            var up = UpMap(img.Index, unit);
            var l = Labels[img.Index];
            for (var p = 0; p < Seg * Seg; p++)
            {
                var m = up[p / Seg, p % Seg] > threshold;
                var has = l.ImageLabels.Contains(concept) || l.Planes.Any(pl => pl[p] == concept);
                if (m && has) isect++;
                if (m) mask++;
                if (has) label++;
            }
        }
        var union = mask + label - isect;
        return union > 0 ? isect / union : 0;
    }

    public List<(double Score, int Index)> TopK(IReadOnlyList<DatasetImage> used, int unit, int k) =>
        used.Select(i => (RawMap(i.Index, unit).Cast<double>().Max(), i.Index))
            .OrderByDescending(p => p.Item1).ThenBy(p => p.Index).Take(k).ToList();

    public void Dispose() => Model.Dispose();
}
