// A small, explicitly specified random generator (SplitMix64 seeding + xoshiro128**), so a world generated from the same
// seed is byte-identical on every machine and .NET version, and each image has its own stream (parallel-safe).
namespace Dissection.Core.World;

internal struct WorldRng
{
    private uint _s0, _s1, _s2, _s3;

    public WorldRng(int seed, int stream)
    {
        var x = ((ulong)(uint)seed << 32) ^ (uint)stream ^ 0x9E3779B97F4A7C15UL;
        ulong Next() { x += 0x9E3779B97F4A7C15UL; var z = x; z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL; z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL; return z ^ (z >> 31); }
        var a = Next(); var b = Next();
        _s0 = (uint)a; _s1 = (uint)(a >> 32); _s2 = (uint)b; _s3 = (uint)(b >> 32) | 1;
    }

    public uint NextUInt()
    {
        var result = RotL(_s1 * 5, 7) * 9;
        var t = _s1 << 9;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3; _s2 ^= t; _s3 = RotL(_s3, 11);
        return result;
    }

    private static uint RotL(uint v, int k) => (v << k) | (v >> (32 - k));

    /// <summary>Uniform in [0, 1).</summary>
    public float Float() => (NextUInt() >> 8) * (1f / 16777216f);
    public float Range(float lo, float hi) => lo + (hi - lo) * Float();
    /// <summary>Uniform integer in [lo, hi] inclusive.</summary>
    public int Int(int lo, int hi) => lo + (int)(NextUInt() % (uint)(hi - lo + 1));
    public bool Chance(float p) => Float() < p;
    public T Pick<T>(T[] items) => items[NextUInt() % (uint)items.Length];

    /// <summary>A stateless integer hash, for per-pixel texture noise.</summary>
    public static uint Hash(int x, int y, int seed)
    {
        var h = (uint)x * 374761393u + (uint)y * 668265263u + (uint)seed * 2246822519u;
        h = (h ^ (h >> 13)) * 1274126177u;
        return h ^ (h >> 16);
    }
}
