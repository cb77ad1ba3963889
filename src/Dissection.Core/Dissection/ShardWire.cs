// The bytes a dissection shard and its coordinator exchange (DissectionShard, ShardedDissection): plain binary, so
// that any transport (an Orleans grain call, a test's in-process call) carries them as a byte[] and Core needs no
// serializer of a cluster's. Counts are written sparsely (index, value pairs of the non-zero entries): threshold
// windows and histograms are mostly zeros. Every message starts with a tag and the wire version, so a shard of
// another engine version is refused rather than misread.
using System.Text;

namespace Dissection.Core.Dissection;

internal static class ShardWire
{
    /// <summary>Raised with every change of a message's layout.</summary>
    public const int Version = 1;

    public static byte[] Write(string tag, Action<BinaryWriter> body)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(tag);
            w.Write(Version);
            body(w);
        }
        return stream.ToArray();
    }

    public static T Read<T>(byte[] bytes, string tag, Func<BinaryReader, T> body)
    {
        using var r = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        var got = r.ReadString();
        if (got != tag) throw new InvalidDataException($"expected a '{tag}' shard message, got '{got}'");
        var version = r.ReadInt32();
        if (version != Version) throw new InvalidDataException($"shard message version {version}; this engine speaks version {Version}");
        return body(r);
    }

    public static void Floats(this BinaryWriter w, float[] a) { w.Write(a.Length); foreach (var v in a) w.Write(v); }
    public static float[] Floats(this BinaryReader r) { var a = new float[r.ReadInt32()]; for (var i = 0; i < a.Length; i++) a[i] = r.ReadSingle(); return a; }
    public static void Ints(this BinaryWriter w, IReadOnlyList<int> a) { w.Write(a.Count); foreach (var v in a) w.Write(v); }
    public static int[] Ints(this BinaryReader r) { var a = new int[r.ReadInt32()]; for (var i = 0; i < a.Length; i++) a[i] = r.ReadInt32(); return a; }
    public static void Strings(this BinaryWriter w, IReadOnlyList<string> a) { w.Write(a.Count); foreach (var v in a) w.Write(v); }
    public static string[] Strings(this BinaryReader r) { var a = new string[r.ReadInt32()]; for (var i = 0; i < a.Length; i++) a[i] = r.ReadString(); return a; }

    public static void SparseLongs(this BinaryWriter w, long[] a)
    {
        w.Write(a.Length);
        w.Write(a.Count(v => v != 0));
        for (var i = 0; i < a.Length; i++) if (a[i] != 0) { w.Write(i); w.Write(a[i]); }
    }

    public static long[] SparseLongs(this BinaryReader r)
    {
        var a = new long[r.ReadInt32()];
        for (var n = r.ReadInt32(); n > 0; n--) { var i = r.ReadInt32(); a[i] = r.ReadInt64(); }
        return a;
    }

    public static void SparseDoubles(this BinaryWriter w, double[] a)
    {
        w.Write(a.Length);
        w.Write(a.Count(v => v != 0));
        for (var i = 0; i < a.Length; i++) if (a[i] != 0) { w.Write(i); w.Write(a[i]); }
    }

    public static double[] SparseDoubles(this BinaryReader r)
    {
        var a = new double[r.ReadInt32()];
        for (var n = r.ReadInt32(); n > 0; n--) { var i = r.ReadInt32(); a[i] = r.ReadDouble(); }
        return a;
    }
}
