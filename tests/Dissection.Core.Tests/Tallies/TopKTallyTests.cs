// Top-k images per unit equal a brute-force sort (ties to the lower image index), and merging shards equals one tally.
using Dissection.Core.Tallies;

namespace Dissection.Core.Tests.Tallies;

public class TopKTallyTests
{
    private static (float[] Scores, int[] Images) Random(int images, int units, int seed)
    {
        var rng = new Random(seed);
        // Few distinct scores so ties are common.
        return (Enumerable.Range(0, images * units).Select(_ => (float)rng.Next(8)).ToArray(), Enumerable.Range(0, images).Select(i => i * 3 + 1).ToArray());
    }

    private static List<(float, int)> Brute(float[] scores, int[] images, int units, int unit, int k) =>
        images.Select((img, i) => (scores[i * units + unit], img)).OrderByDescending(p => p.Item1).ThenBy(p => p.img).Take(k).ToList();

    [Fact]
    public void Equals_brute_force_across_batches()
    {
        const int units = 4, k = 5;
        var (scores, images) = Random(23, units, 1);
        var tally = new TopKTally(units, k);
        for (var start = 0; start < images.Length; start += 6)
        {
            var n = Math.Min(6, images.Length - start);
            tally.Add(scores.AsSpan(start * units, n * units).ToArray(), images.AsSpan(start, n).ToArray());
        }
        for (var u = 0; u < units; u++) Assert.Equal(Brute(scores, images, units, u, k), tally.Top(u).ToList());
    }

    [Fact]
    public void Merging_two_shards_equals_one_tally_over_the_union()
    {
        const int units = 3, k = 4;
        var (scores, images) = Random(20, units, 2);
        var whole = new TopKTally(units, k);
        whole.Add(scores, images);
        var a = new TopKTally(units, k);
        var b = new TopKTally(units, k);
        b.Add(scores.AsSpan(0, 9 * units).ToArray(), images[..9]);
        a.Add(scores.AsSpan(9 * units).ToArray(), images[9..]);
        a.Merge(b);
        for (var u = 0; u < units; u++) Assert.Equal(whole.Top(u).ToList(), a.Top(u).ToList());
    }
}
