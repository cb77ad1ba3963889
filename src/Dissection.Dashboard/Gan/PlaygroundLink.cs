// The playground's permalink: /gan/{model}?seed=S&layer=L&strokes=S1.S2… Each stroke is one base64url record; records
// are joined by '.', which base64url never uses. Format 2 (written now) keeps a link short: the unit set as sorted gaps
// or a bitset, whichever is smaller, and a paint stroke's levels as a 4-byte checksum of the layer's stored levels
// when it used them (the reader checks the checksum against its own levels, so a link never replays silently with
// other levels), else inline as floats. The mask is bit-packed at the layer's resolution. Format 1 links (every unit
// and level inline) still read. Decoding never trusts the text: sizes are capped and every error names the stroke.
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Dissection.Core.Gan;

namespace Dissection.Dashboard.Gan;

public static class PlaygroundLink
{
    /// <summary>Strokes one link may carry; GANPaint sessions use a handful, so this only stops abuse.</summary>
    public const int MaxStrokes = 64;
    /// <summary>Characters of the strokes parameter (64 strokes of 15 paint units at 32×32 fit).</summary>
    public const int MaxStrokesText = 32_000;
    public const int MaxUnitsPerStroke = 512;
    public const int MaxSide = 256;
    public const int MaxConceptBytes = 100;
    /// <summary>Seeds are 0…int.MaxValue: they name one latent of ZDataset.FromSeed.</summary>
    public const long MaxSeed = int.MaxValue;

    private const int V1 = 1, V2 = 2;
    /// <summary>Format 2 head bits: mode in bit 0, levels inline in bit 1.</summary>
    private const int InlineLevels = 2;

    /// <summary>The playground on a model and layer, with its default seed and no strokes.</summary>
    public static string Start(string model, string layer) =>
        $"/gan/{Uri.EscapeDataString(model)}?layer={Uri.EscapeDataString(layer)}";

    public static string Build(string model, long seed, string layer, IReadOnlyList<PaintStroke> strokes, IReadOnlyList<float>? levels = null) =>
        $"/gan/{Uri.EscapeDataString(model)}?seed={seed.ToString(CultureInfo.InvariantCulture)}&layer={Uri.EscapeDataString(layer)}" +
        (strokes.Count > 0 ? "&strokes=" + EncodeStrokes(strokes, levels) : "");

    /// <exception cref="FormatException">not a whole number in 0…MaxSeed (the message says so).</exception>
    public static long ParseSeed(string text)
    {
        if (!long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seed) || seed > MaxSeed)
            throw new FormatException($"seed '{Shorten(text)}' is not a whole number from 0 to {MaxSeed}");
        return seed;
    }

    /// <param name="levels">The layer's paint level per unit (what the playground paints with): paint strokes that used
    /// exactly these levels carry only their checksum.</param>
    public static string EncodeStrokes(IReadOnlyList<PaintStroke> strokes, IReadOnlyList<float>? levels = null) =>
        string.Join('.', strokes.Select(s => EncodeStroke(s, levels)));

    public static string EncodeStroke(PaintStroke s, IReadOnlyList<float>? levels = null)
    {
        var order = Enumerable.Range(0, s.Units.Count).OrderBy(i => s.Units[i]).ToArray();
        var units = order.Select(i => s.Units[i]).ToArray();
        var values = s.Mode == PaintMode.Paint ? order.Select(i => s.Values[i]).ToArray() : [];
        var inline = s.Mode == PaintMode.Paint && !UsesLevels(units, values, levels);
        using var ms = new MemoryStream();
        ms.WriteByte((byte)(V2 << 4 | (inline ? InlineLevels : 0) | (int)s.Mode));
        var concept = Encoding.UTF8.GetBytes(s.Concept ?? "");
        WriteVarint(ms, (uint)concept.Length);
        ms.Write(concept);
        WriteUnitSet(ms, units);
        if (inline)
        {
            Span<byte> f = stackalloc byte[4];
            foreach (var v in values) { BinaryPrimitives.WriteSingleLittleEndian(f, v); ms.Write(f); }
        }
        else if (s.Mode == PaintMode.Paint)
        {
            Span<byte> sum = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(sum, Checksum(units, values));
            ms.Write(sum);
        }
        WriteVarint(ms, (uint)s.Side);
        var bits = new byte[(s.Side * s.Side + 7) / 8];
        for (var i = 0; i < s.Mask.Length; i++) if (s.Mask[i]) bits[i >> 3] |= (byte)(1 << (i & 7));
        ms.Write(bits);
        return Base64Url.EncodeToString(ms.ToArray());
    }

    private static bool UsesLevels(int[] units, float[] values, IReadOnlyList<float>? levels)
    {
        if (levels is null) return false;
        for (var i = 0; i < units.Length; i++)
            if (units[i] >= levels.Count || BitConverter.SingleToInt32Bits(levels[units[i]]) != BitConverter.SingleToInt32Bits(values[i])) return false;
        return true;
    }

    /// <summary>FNV-1a over (unit, level bits): a stroke's levels, identified without carrying them.</summary>
    private static uint Checksum(int[] units, float[] values)
    {
        var h = 2166136261u;
        void Mix(int v) { for (var b = 0; b < 4; b++) { h ^= (byte)(v >> (8 * b)); h *= 16777619u; } }
        for (var i = 0; i < units.Length; i++) { Mix(units[i]); Mix(BitConverter.SingleToInt32Bits(values[i])); }
        return h;
    }

    /// <summary>Sorted distinct units as a varint count, a kind byte, then either the gaps as varints (kind 0) or a
    /// bitset up to the highest unit (kind 1), whichever is shorter.</summary>
    private static void WriteUnitSet(Stream s, int[] sorted)
    {
        WriteVarint(s, (uint)sorted.Length);
        using var gaps = new MemoryStream();
        for (var i = 0; i < sorted.Length; i++) WriteVarint(gaps, (uint)(i == 0 ? sorted[0] : sorted[i] - sorted[i - 1] - 1));
        var bitsetBytes = sorted.Length == 0 ? 0 : (sorted[^1] + 8) / 8;
        if (gaps.Length <= bitsetBytes + VarintLength((uint)bitsetBytes))
        {
            s.WriteByte(0);
            gaps.Position = 0;
            gaps.CopyTo(s);
            return;
        }
        s.WriteByte(1);
        WriteVarint(s, (uint)bitsetBytes);
        var bits = new byte[bitsetBytes];
        foreach (var u in sorted) bits[u >> 3] |= (byte)(1 << (u & 7));
        s.Write(bits);
    }

    private static int VarintLength(uint v) { var n = 1; while (v >= 0x80) { v >>= 7; n++; } return n; }

    /// <summary>The strokes of a link, in order; null or empty text is no strokes.</summary>
    /// <param name="levels">The layer's paint levels, for format-2 paint strokes that carry only their checksum.</param>
    /// <exception cref="FormatException">too long, too many strokes, a stroke that is not a valid record (named by
    /// number), or a stroke whose levels are not the layer's levels any more.</exception>
    public static IReadOnlyList<PaintStroke> DecodeStrokes(string? text, IReadOnlyList<float>? levels = null)
    {
        if (string.IsNullOrEmpty(text)) return [];
        if (text.Length > MaxStrokesText)
            throw new FormatException($"the stroke list in the link is {text.Length:N0} characters; at most {MaxStrokesText:N0} are read");
        var parts = text.Split('.');
        if (parts.Length > MaxStrokes)
            throw new FormatException($"the link has {parts.Length} strokes; at most {MaxStrokes} are allowed");
        return parts.Select((p, i) => DecodeStroke(p, i + 1, levels)).ToList();
    }

    private static PaintStroke DecodeStroke(string text, int number, IReadOnlyList<float>? levels)
    {
        byte[] data;
        try { data = Base64Url.DecodeFromChars(text); }
        catch (FormatException) { throw Bad(number, "is not base64url text"); }
        var pos = 0;
        if (data.Length == 0) throw Bad(number, "is empty");
        var head = data[pos++];
        var version = head >> 4;
        if (version is not (V1 or V2)) throw Bad(number, $"has format version {version}; this dashboard reads versions {V1} and {V2}");
        var flags = head & 0x0F;
        if (flags > (version == V1 ? 1 : 3)) throw Bad(number, $"has unknown mode {flags}");
        var mode = (PaintMode)(flags & 1);
        var inline = version == V1 || (flags & InlineLevels) != 0;

        var conceptLength = ReadVarint(data, ref pos, MaxConceptBytes, number, "concept length");
        if (pos + conceptLength > data.Length) throw Bad(number, "ends inside its concept name");
        var concept = conceptLength == 0 ? null : Encoding.UTF8.GetString(data, pos, conceptLength);
        pos += conceptLength;

        var units = version == V1 ? ReadUnitList(data, ref pos, number) : ReadUnitSet(data, ref pos, number);

        var values = new float[mode == PaintMode.Paint ? units.Length : 0];
        if (mode == PaintMode.Paint && !inline)
        {
            if (pos + 4 > data.Length) throw Bad(number, "ends inside its levels checksum");
            var sum = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(pos));
            pos += 4;
            if (levels is null || units.Any(u => u >= levels.Count))
                throw Bad(number, "paints with the layer's stored levels, which are not known here");
            for (var i = 0; i < units.Length; i++) values[i] = levels[units[i]];
            if (Checksum(units, values) != sum)
                throw Bad(number, "was painted with levels that differ from this layer's current levels (the generator was dissected again since)");
        }
        else
        {
            if (pos + values.Length * 4 > data.Length) throw Bad(number, "ends inside its paint levels");
            for (var i = 0; i < values.Length; i++, pos += 4)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(pos));
                if (!float.IsFinite(values[i])) throw Bad(number, $"has a non-finite level for unit {units[i]}");
            }
        }

        var side = ReadVarint(data, ref pos, MaxSide, number, "mask side");
        if (side == 0) throw Bad(number, "has an empty mask");
        var maskBytes = (side * side + 7) / 8;
        if (data.Length - pos != maskBytes)
            throw Bad(number, $"has {data.Length - pos} mask bytes; a {side}x{side} mask needs {maskBytes}");
        var mask = new bool[side * side];
        for (var i = 0; i < mask.Length; i++) mask[i] = (data[pos + (i >> 3)] >> (i & 7) & 1) != 0;
        return new PaintStroke(concept, units, mode, values, side, mask);
    }

    /// <summary>Format 1: a count and every unit as a varint, in the stroke's order.</summary>
    private static int[] ReadUnitList(byte[] data, ref int pos, int number)
    {
        var count = ReadVarint(data, ref pos, MaxUnitsPerStroke, number, "unit count");
        if (count == 0) throw Bad(number, "edits no units");
        var units = new int[count];
        for (var i = 0; i < count; i++) units[i] = ReadVarint(data, ref pos, MaxUnit, number, "unit number");
        return units;
    }

    private static int[] ReadUnitSet(byte[] data, ref int pos, int number)
    {
        var count = ReadVarint(data, ref pos, MaxUnitsPerStroke, number, "unit count");
        if (count == 0) throw Bad(number, "edits no units");
        if (pos >= data.Length) throw Bad(number, "ends inside its unit set");
        var kind = data[pos++];
        var units = new int[count];
        if (kind == 0)
        {
            for (var i = 0; i < count; i++)
            {
                var gap = ReadVarint(data, ref pos, MaxUnit, number, "unit number");
                units[i] = i == 0 ? gap : units[i - 1] + gap + 1;
                if (units[i] > MaxUnit) throw Bad(number, $"has unit number {units[i]}, above the limit of {MaxUnit}");
            }
            return units;
        }
        if (kind != 1) throw Bad(number, $"has unknown unit set kind {kind}");
        var bytes = ReadVarint(data, ref pos, (MaxUnit + 8) / 8, number, "unit bitset length");
        if (pos + bytes > data.Length) throw Bad(number, "ends inside its unit bitset");
        var n = 0;
        for (var u = 0; u < bytes * 8; u++)
            if ((data[pos + (u >> 3)] >> (u & 7) & 1) != 0)
            {
                if (n == count) throw Bad(number, $"has more units in its bitset than its count of {count}");
                units[n++] = u;
            }
        if (n != count) throw Bad(number, $"has {n} units in its bitset but a count of {count}");
        pos += bytes;
        return units;
    }

    /// <summary>The highest unit number a link may name.</summary>
    private const int MaxUnit = 1 << 20;

    private static void WriteVarint(Stream s, uint v)
    {
        while (v >= 0x80) { s.WriteByte((byte)(v | 0x80)); v >>= 7; }
        s.WriteByte((byte)v);
    }

    private static int ReadVarint(byte[] data, ref int pos, int max, int number, string what)
    {
        long v = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (pos >= data.Length) throw Bad(number, $"ends inside its {what}");
            if (shift > 28) throw Bad(number, $"has an overlong {what}");
            var b = data[pos++];
            v |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) break;
        }
        if (v > max) throw Bad(number, $"has {what} {v}, above the limit of {max}");
        return (int)v;
    }

    private static FormatException Bad(int number, string why) => new($"stroke {number} in the link {why}");

    private static string Shorten(string s) => s.Length <= 24 ? s : s[..24] + "…";
}
