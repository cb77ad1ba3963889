// fp16 arithmetic for the dissection tallies. Every value a threshold is taken over is an fp16 number: raw maps are
// rounded to fp16 when captured, and upsampled maps are rounded to fp16 after the float32 interpolation (relative
// error <= 2^-11, far below anything a picture or an IoU can show). That makes the domain discrete: a unit's values
// fall on at most 65,536 distinct keys, so a per-key count gives the EXACT top-q level without sorting, sketching or
// narrowing passes (ThresholdCounts), and a mask test is one float comparison with the cut of a key.
//
// Order key: the fp16 bit pattern mapped so that key order is value order (negatives reversed below 0x8000, -0 folded
// into +0 so equal values share one key). NaN is never keyed: the pipeline rejects non-finite activations first.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Dissection.Core.Tallies;

internal static class Fp16
{
    /// <summary>Key of +0; keys above it are positive values.</summary>
    public const int ZeroKey = 0x8000;
    public const int Keys = 0x10000;

    /// <summary>fp16 bits -> float, for every bit pattern (256 KB, faster than converting each value).</summary>
    private static readonly float[] BitsToFloat = Enumerable.Range(0, Keys).Select(b => (float)BitConverter.UInt16BitsToHalf((ushort)b)).ToArray();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToFloat(ushort bits) => BitsToFloat[bits];

    /// <summary>Rounds a float to the nearest fp16 (ties to even), as (Half)value does, returning the bits. The
    /// normal fp16 range is done with integer arithmetic (the hot path); the rest goes through the framework.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Round(float value)
    {
        var f = BitConverter.SingleToUInt32Bits(value);
        var sign = (f >> 16) & 0x8000;
        var magnitude = f & 0x7FFFFFFF;
        // [2^-14, 65504 rounded up): rebias the exponent (127 -> 15) and round the 13 dropped mantissa bits to even.
        if (magnitude is >= 0x38800000 and < 0x477FF000)
        {
            var m = magnitude - 0x38000000;
            return (ushort)(sign | ((m + 0xFFF + ((m >> 13) & 1)) >> 13));
        }
        return BitConverter.HalfToUInt16Bits((Half)value);
    }

    /// <summary>Order key of fp16 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Key(ushort bits) =>
        (bits & 0x8000) == 0 ? bits | 0x8000 : bits == 0x8000 ? ZeroKey : 0x7FFF - (bits & 0x7FFF);

    /// <summary>Order key of a float after rounding it to fp16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int KeyOf(float value) => Key(Round(value));

    /// <summary>The fp16 value of an order key.</summary>
    public static float Value(int key) =>
        ToFloat((ushort)(key >= ZeroKey ? key & 0x7FFF : 0x8000 | (0x7FFF - key)));

    /// <summary>The smallest float whose fp16 rounding has a key >= <paramref name="key"/>, so that
    /// "value >= cut" tests "KeyOf(value) >= key" without rounding (rounding is monotone). +infinity when no finite
    /// float reaches the key, -infinity when every float does.</summary>
    public static float SmallestRoundingToKey(int key)
    {
        int lo = Ord(float.NegativeInfinity), hi = Ord(float.PositiveInfinity);
        if (KeyOf(float.NegativeInfinity) >= key) return float.NegativeInfinity;
        if (KeyOf(float.PositiveInfinity) < key) return float.PositiveInfinity;
        while (lo < hi)
        {
            var mid = lo + (int)(((long)hi - lo) / 2);
            if (KeyOf(FromOrd(mid)) >= key) hi = mid; else lo = mid + 1;
        }
        return FromOrd(lo);
    }

    // Floats as ordered ints (-0 and +0 both map to 0), for the bisection above.
    private static int Ord(float f)
    {
        var b = BitConverter.SingleToInt32Bits(f);
        return b >= 0 ? b : int.MinValue - b;
    }

    private static float FromOrd(int o) => BitConverter.Int32BitsToSingle(o >= 0 ? o : int.MinValue - o);

    /// <summary>Min and max of fp16 values, and whether any is infinite or NaN. Vectorised for the common case of no
    /// negative values (after a ReLU), where fp16 values order like their bits read as signed shorts.</summary>
    // Optimised at first call: tiered JIT would run the first batches of a dissection on unoptimised code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (float Min, float Max, bool NonFinite) Range(ReadOnlySpan<ushort> values)
    {
        var shorts = MemoryMarshal.Cast<ushort, short>(values);
        short lo = short.MaxValue, hi = short.MinValue;
        var i = 0;
        if (Vector.IsHardwareAccelerated && shorts.Length >= Vector<short>.Count)
        {
            Vector<short> vlo = new(short.MaxValue), vhi = new(short.MinValue);
            for (; i <= shorts.Length - Vector<short>.Count; i += Vector<short>.Count)
            {
                var v = new Vector<short>(shorts[i..]);
                vlo = Vector.Min(vlo, v);
                vhi = Vector.Max(vhi, v);
            }
            for (var j = 0; j < Vector<short>.Count; j++) { lo = Math.Min(lo, vlo[j]); hi = Math.Max(hi, vhi[j]); }
        }
        for (; i < shorts.Length; i++) { lo = Math.Min(lo, shorts[i]); hi = Math.Max(hi, shorts[i]); }
        if (lo >= 0) return (ToFloat((ushort)lo), ToFloat((ushort)hi), hi >= 0x7C00);
        // Negative values (or -0): compare as floats.
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        var bad = false;
        foreach (var bits in values)
        {
            bad |= IsNonFinite(bits);
            var f = ToFloat(bits);
            if (f < min) min = f;
            if (f > max) max = f;
        }
        return (min, max, bad);
    }

    /// <summary>Adds one to <paramref name="byBits"/>[bits] per value. Post-ReLU maps are about half zeros, often in
    /// runs, so whole vectors of +0 are counted at once.</summary>
    // Optimised at first call: tiered JIT would run the first batches of a dissection on unoptimised code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CountBits(ReadOnlySpan<ushort> values, Span<int> byBits)
    {
        var zeros = 0;
        var i = 0;
        if (Vector.IsHardwareAccelerated)
            for (; i <= values.Length - Vector<ushort>.Count; i += Vector<ushort>.Count)
            {
                var v = values.Slice(i, Vector<ushort>.Count);
                if (new Vector<ushort>(v) == Vector<ushort>.Zero) { zeros += Vector<ushort>.Count; continue; }
                foreach (var bits in v) byBits[bits]++;
            }
        for (; i < values.Length; i++) byBits[values[i]]++;
        byBits[0] += zeros;
    }

    /// <summary>True for fp16 bits of an infinity or NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsNonFinite(ushort bits) => (bits & 0x7C00) == 0x7C00;
}
