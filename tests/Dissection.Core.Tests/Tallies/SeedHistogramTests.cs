// The seed histogram's counts equal a brute-force count by its own bin rule, also when the model pass feeds only the
// maps that reach the range (AddRows) and counts the others as underflow (AddBelow).
using Dissection.Core.Tallies;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Tallies;

public class SeedHistogramTests
{
    [Fact]
    public void Sparse_feeding_equals_dense_feeding_and_brute_force()
    {
        const int units = 3, maps = 12, pixels = 25, bins = 7;
        var rng = new Random(5);
        // Each map has its own scale, so that some maps lie entirely below the range and are skipped.
        var values = new float[units, maps, pixels];
        for (var u = 0; u < units; u++)
            for (var m = 0; m < maps; m++)
            {
                var scale = rng.NextDouble() * 4;
                for (var p = 0; p < pixels; p++) values[u, m, p] = (float)Math.Round(scale * rng.NextDouble(), 2);
            }
        float[] lo = [1.5f, 2f, 0.5f], hi = [3f, 3.5f, 2.5f];
        var dense = new SeedHistogram(lo, hi, bins);
        var sparse = new SeedHistogram(lo, hi, bins);
        dense.Add(tensor(values).reshape(units, maps * pixels));

        var rows = new List<float[]>();
        var rowUnits = new List<long>();
        var below = new long[units];
        var skipped = 0;
        for (var u = 0; u < units; u++)
            for (var m = 0; m < maps; m++)
            {
                var map = Enumerable.Range(0, pixels).Select(p => values[u, m, p]).ToArray();
                if (map.Max() < lo[u]) { below[u] += pixels; skipped++; continue; }
                rows.Add(map);
                rowUnits.Add(u);
            }
        Assert.InRange(skipped, 1, units * maps - 1);
        sparse.AddRows(tensor(rows.SelectMany(r => r).ToArray()).reshape(rows.Count, pixels), rowUnits.ToArray());
        sparse.AddBelow(below);

        for (var u = 0; u < units; u++)
        {
            var expected = new long[bins + 2];
            for (var m = 0; m < maps; m++)
                for (var p = 0; p < pixels; p++)
                    expected[(int)Math.Clamp(SeedHistogram.RawBin(values[u, m, p], dense.Lo[u], dense.Scale[u]), -1, bins) + 1]++;
            Assert.Equal(expected, dense.Counts(u).ToArray());
            Assert.Equal(expected, sparse.Counts(u).ToArray());
        }
    }
}
