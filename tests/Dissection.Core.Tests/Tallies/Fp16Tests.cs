// The fp16 helpers that make thresholds exact by counting: rounding agrees with the framework's (Half) conversion,
// keys order exactly as values do, and the float cut of a key selects exactly the floats that round to it or above.
using Dissection.Core.Tallies;

namespace Dissection.Core.Tests.Tallies;

public class Fp16Tests
{
    private static IEnumerable<float> Samples()
    {
        var rng = new Random(3);
        float[] edges = [0f, -0f, 1f, -1f, 65504f, 65519.99f, 65520f, -65504f, 6.1035156e-05f, 6.0975552e-05f, 5.9604645e-08f,
            2.9802322e-08f, 2.9802326e-08f, 1e-10f, -1e-10f, 0.1f, 1.0009766f, 1.0004883f, 1.0014648f];
        foreach (var e in edges) yield return e;
        for (var i = 0; i < 200_000; i++)
        {
            // Uniform bit patterns over the fp16 range and beyond, both signs.
            var magnitude = MathF.Pow(2, (float)(rng.NextDouble() * 44 - 28)) * (float)(1 + rng.NextDouble());
            yield return rng.Next(2) == 0 ? magnitude : -magnitude;
        }
    }

    [Fact]
    public void Rounding_matches_the_framework_half_conversion()
    {
        foreach (var v in Samples())
            Assert.True(BitConverter.HalfToUInt16Bits((Half)v) == Fp16.Round(v), $"{v:R}");
    }

    [Fact]
    public void Keys_order_like_values_and_fold_negative_zero()
    {
        var finite = Enumerable.Range(0, Fp16.Keys).Select(b => (ushort)b).Where(b => !Fp16.IsNonFinite(b)).ToList();
        foreach (var a in finite.Where((_, i) => i % 7 == 0))
            foreach (var b in finite.Where((_, i) => i % 331 == 0))
            {
                float x = Fp16.ToFloat(a), y = Fp16.ToFloat(b);
                Assert.Equal(x.CompareTo(y) == 0 ? 0 : Math.Sign(x.CompareTo(y)), Math.Sign(Fp16.Key(a).CompareTo(Fp16.Key(b))));
            }
        Assert.Equal(Fp16.ZeroKey, Fp16.Key(0x8000));
        Assert.Equal(Fp16.ZeroKey, Fp16.KeyOf(-0f));
        foreach (var b in finite) Assert.Equal(Fp16.ToFloat(b), Fp16.Value(Fp16.Key(b)));
    }

    [Fact]
    public void The_cut_of_a_key_separates_floats_exactly()
    {
        var rng = new Random(5);
        for (var i = 0; i < 300; i++)
        {
            var key = rng.Next(0x0400, 0xFC00);
            var cut = Fp16.SmallestRoundingToKey(key);
            Assert.True(Fp16.KeyOf(cut) >= key);
            Assert.True(Fp16.KeyOf(MathF.BitDecrement(cut)) < key, $"key {key:X}: the float below the cut must round below it");
        }
        Assert.Equal(float.PositiveInfinity, Fp16.SmallestRoundingToKey(Fp16.Keys));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Range_and_bit_counts_agree_with_a_plain_loop(bool negatives)
    {
        var rng = new Random(negatives ? 1 : 2);
        foreach (var length in new[] { 1, 15, 16, 17, 256, 1000 })
        {
            // Runs of zeros with peaks, like ReLU maps; optionally negative values and -0.
            var bits = Enumerable.Range(0, length).Select(i => i % 40 < 25 ? (ushort)0
                : BitConverter.HalfToUInt16Bits((Half)((negatives ? rng.NextDouble() * 6 - 3 : rng.NextDouble() * 3) * (i % 7 == 0 ? -0.0 : 1)))).ToArray();
            var floats = bits.Select(b => Fp16.ToFloat(b)).ToArray();
            var (min, max, bad) = Fp16.Range(bits);
            Assert.Equal(floats.Min(), min);
            Assert.Equal(floats.Max(), max);
            Assert.False(bad);
            var counts = new int[Fp16.Keys];
            Fp16.CountBits(bits, counts);
            foreach (var g in bits.GroupBy(b => b)) Assert.Equal(g.Count(), counts[g.Key]);
            Assert.Equal(length, counts.Sum());
        }
        Assert.True(Fp16.Range([0, 0x7C00, 1]).NonFinite);
        Assert.True(Fp16.Range([0x8001, 0xFE00]).NonFinite);
    }
}
