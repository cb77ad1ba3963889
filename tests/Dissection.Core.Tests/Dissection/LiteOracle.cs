// A brute-force NetDissect-Lite (CSAILVision/NetDissect-Lite: loader/data_loader.py SegmentationData and
// feature_operation.py tally), written with plain loops and no engine code: it reads the Broden folder itself
// (index.csv, label.csv, category.csv, c_*.csv, label PNGs) and tallies the fixture's maps exactly as tally_job does:
// PIL bilinear imresize of each map, mask = value > T, bincount over the stacked planes, tally_units_cat by the primary
// categories the mask touches, IoU = both / (units_cat + labels - both + 1e-10), best label per category, best category
// by score with ties to the later one. The one deliberate difference: T is the exact top-q value (our threshold), not
// Lite's approximate quantile sketch (see src/Dissection.Core/README.md).
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Dissection.Core.Tests.Dissection;

internal sealed class LiteOracle
{
    public string[] Categories { get; }
    /// <summary>Per label number, the primary category index (primary_categories_per_index).</summary>
    public int[] Primary { get; }
    public int Labels { get; }
    public double[] Thresholds { get; }
    /// <summary>[unit, label] IoU.</summary>
    public double[,] Iou { get; }
    /// <summary>Per unit: the label number (0 = none), its category and score, as tally() reports it.</summary>
    public (int Label, string Category, double Score)[] Best { get; }

    public LiteOracle(string root, IReadOnlyDictionary<int, float[,,]> maps, int units, double quantile)
    {
        string[][] Csv(string name) => File.ReadAllLines(Path.Combine(root, name)).Where(l => l.Length > 0).Select(l => l.Split(',')).ToArray();
        Categories = Csv("category.csv").Skip(1).Select(r => r[0]).ToArray();
        Labels = Csv("label.csv").Skip(1).Max(r => int.Parse(r[0])) + 1;
        var coverage = new double[Categories.Length, Labels];
        var listed = new bool[Categories.Length, Labels];
        for (var k = 0; k < Categories.Length; k++)
        {
            var path = $"c_{Categories[k]}.csv";
            if (!File.Exists(Path.Combine(root, path))) continue;
            var rows = Csv(path);
            int number = Array.IndexOf(rows[0], "number"), cov = Array.IndexOf(rows[0], "coverage");
            foreach (var r in rows.Skip(1)) { coverage[k, int.Parse(r[number])] = double.Parse(r[cov], System.Globalization.CultureInfo.InvariantCulture); listed[k, int.Parse(r[number])] = true; }
        }
        // max((coverage if listed else 0, ic) for ic in categories): the highest coverage, the later category on ties.
        Primary = new int[Labels];
        for (var c = 0; c < Labels; c++)
        {
            var best = (Cov: double.NegativeInfinity, Cat: -1);
            for (var k = 0; k < Categories.Length; k++)
            {
                var candidate = (Cov: listed[k, c] ? coverage[k, c] : 0, Cat: k);
                if (candidate.Cov > best.Cov || candidate.Cov == best.Cov && candidate.Cat > best.Cat) best = candidate;
            }
            Primary[c] = best.Cat;
        }

        // The threshold: exact top-q over every raw value of the unit.
        var index = Csv("index.csv");
        var header = index[0];
        var images = index.Skip(1).ToArray();
        Thresholds = new double[units];
        for (var u = 0; u < units; u++)
        {
            var values = new List<double>();
            for (var i = 0; i < images.Length; i++) foreach (var v in Slice(maps[i], u)) values.Add(v);
            values.Sort((a, b) => b.CompareTo(a));
            Thresholds[u] = values[(int)Math.Floor(quantile * values.Count + 1e-9)];
        }

        var tallyBoth = new double[units, Labels];
        var tallyUnits = new double[units];
        var tallyUnitsCat = new double[units, Categories.Length];
        var tallyLabels = new double[Labels];
        for (var i = 0; i < images.Length; i++)
        {
            var row = images[i];
            int sh = int.Parse(row[4]), sw = int.Parse(row[5]);
            var scalars = new List<int>();
            var pixels = new List<int[,]>();
            for (var col = 6; col < header.Length; col++)
            {
                var entries = row[col].Split(';', StringSplitOptions.RemoveEmptyEntries);
                if (entries.All(e => int.TryParse(e, out _))) { scalars.AddRange(entries.Select(int.Parse)); continue; }
                foreach (var e in entries) pixels.Add(int.TryParse(e, out var n) ? Full(sh, sw, n) : Png(Path.Combine(root, "images", e)));
            }
            if (pixels.Count == 0) throw new InvalidOperationException("Lite reuses a stale tally_cat for images without pixel planes; the fixture must not have them");
            foreach (var s in scalars) tallyLabels[s] += sh * sw;
            foreach (var plane in pixels) foreach (var c in plane) if (c != 0) tallyLabels[c]++;
            for (var u = 0; u < units; u++)
            {
                var map = Slice(maps[i], u);
                if (!(Max(map) > Thresholds[u])) continue;
                var mask = ImResize(map, sh, sw);
                var count = 0;
                var bt = new double[Labels];
                for (var y = 0; y < sh; y++) for (var x = 0; x < sw; x++)
                {
                    if (!(mask[y, x] > Thresholds[u])) continue;
                    count++;
                    foreach (var plane in pixels) bt[plane[y, x]]++;
                }
                bt[0] = 0;
                tallyUnits[u] += count;
                var tallyCat = new double[Categories.Length];
                for (var c = 0; c < Labels; c++) { tallyCat[Primary[c]] += bt[c]; tallyBoth[u, c] += bt[c]; }
                foreach (var s in scalars) { tallyCat[Primary[s]] += 1; tallyBoth[u, s] += count; }
                for (var k = 0; k < Categories.Length; k++) tallyUnitsCat[u, k] += count * (tallyCat[k] > 0 ? 1 : 0);
            }
        }

        Iou = new double[units, Labels];
        Best = new (int, string, double)[units];
        for (var u = 0; u < units; u++)
        {
            for (var c = 0; c < Labels; c++)
                Iou[u, c] = tallyBoth[u, c] / (tallyUnitsCat[u, Primary[c]] + tallyLabels[c] - tallyBoth[u, c] + 1e-10);
            // pciou.argmax(axis=2) per category (first maximum), then score_pciou.argsort(axis=0)[::-1][0]: the highest
            // score, the later category on ties.
            var (bestCat, bestLabel, bestScore) = (-1, 0, double.NegativeInfinity);
            for (var k = 0; k < Categories.Length; k++)
            {
                var (label, score) = (0, 0.0);
                for (var c = 0; c < Labels; c++)
                {
                    var v = Primary[c] == k ? Iou[u, c] : 0;
                    if (v > score) (label, score) = (c, v);
                }
                if (score >= bestScore) (bestCat, bestLabel, bestScore) = (k, label, score);
            }
            Best[u] = (bestLabel, Categories[bestCat], bestScore);
        }
    }

    /// <summary>Labels ranked as the engine's top concepts: IoU, then the later primary category, then the lower number.</summary>
    public int[] Ranked(int unit) => Enumerable.Range(1, Labels - 1).Where(c => Iou[unit, c] > 0)
        .OrderByDescending(c => Iou[unit, c]).ThenByDescending(c => Primary[c]).ThenBy(c => c).ToArray();

    /// <summary>scipy.misc.imresize(map, (h, w), mode='F'): PIL's bilinear Image.resize of a float32 image (Pillow
    /// Resample.c: precompute_coeffs with support 1, horizontal pass then vertical, double sums stored as float32).</summary>
    public static float[,] ImResize(float[,] map, int height, int width)
    {
        int h = map.GetLength(0), w = map.GetLength(1);
        var horizontal = new float[h, width];
        for (var y = 0; y < h; y++)
            for (var x = 0; x < width; x++)
            {
                var (first, k) = Coefficients(w, width, x);
                double ss = 0;
                for (var j = 0; j < k.Length; j++) ss += map[y, first + j] * k[j];
                horizontal[y, x] = (float)ss;
            }
        var result = new float[height, width];
        for (var y = 0; y < height; y++)
        {
            var (first, k) = Coefficients(h, height, y);
            for (var x = 0; x < width; x++)
            {
                double ss = 0;
                for (var j = 0; j < k.Length; j++) ss += horizontal[first + j, x] * k[j];
                result[y, x] = (float)ss;
            }
        }
        return result;
    }

    private static (int First, double[] Weights) Coefficients(int inSize, int outSize, int xx)
    {
        double scale = (double)inSize / outSize;
        double filterscale = scale < 1.0 ? 1.0 : scale;
        double support = 1.0 * filterscale;
        double center = (xx + 0.5) * scale;
        double ss = 1.0 / filterscale;
        int xmin = (int)(center - support + 0.5);
        if (xmin < 0) xmin = 0;
        int xmax = (int)(center + support + 0.5);
        if (xmax > inSize) xmax = inSize;
        xmax -= xmin;
        var k = new double[xmax];
        double ww = 0;
        for (var x = 0; x < xmax; x++)
        {
            var arg = (x + xmin - center + 0.5) * ss;
            if (arg < 0) arg = -arg;
            k[x] = arg < 1.0 ? 1.0 - arg : 0.0;
            ww += k[x];
        }
        for (var x = 0; x < xmax; x++) if (ww != 0.0) k[x] /= ww;
        return (xmin, k);
    }

    private static float[,] Slice(float[,,] maps, int unit)
    {
        var m = new float[maps.GetLength(1), maps.GetLength(2)];
        for (var y = 0; y < m.GetLength(0); y++) for (var x = 0; x < m.GetLength(1); x++) m[y, x] = maps[unit, y, x];
        return m;
    }

    private static float Max(float[,] m) { var v = float.NegativeInfinity; foreach (var x in m) v = Math.Max(v, x); return v; }

    private static int[,] Full(int h, int w, int n) { var p = new int[h, w]; for (var y = 0; y < h; y++) for (var x = 0; x < w; x++) p[y, x] = n; return p; }

    private static int[,] Png(string path)
    {
        using var image = Image.Load<Rgb24>(path);
        var p = new int[image.Height, image.Width];
        for (var y = 0; y < image.Height; y++) for (var x = 0; x < image.Width; x++) p[y, x] = image[x, y].R + 256 * image[x, y].G;
        return p;
    }
}
