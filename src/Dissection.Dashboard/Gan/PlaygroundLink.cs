// The playground's permalink: /gan/{model}?seed=S&layer=L&strokes=S1.S2… Each stroke is one base64url record
// (mode, concept, units, paint levels, cell mask bit-packed at the layer's resolution); records are joined by '.',
// which base64url never uses. The paint levels travel in the link, so it reproduces the same image even after the
// stored quantiles change. Decoding never trusts the text: sizes are capped and every error names the stroke.
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

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

    private const byte Version = 1;

    public static string Build(string model, long seed, string layer, IReadOnlyList<PaintStroke> strokes) =>
        $"/gan/{Uri.EscapeDataString(model)}?seed={seed.ToString(CultureInfo.InvariantCulture)}&layer={Uri.EscapeDataString(layer)}" +
        (strokes.Count > 0 ? "&strokes=" + EncodeStrokes(strokes) : "");

    /// <exception cref="FormatException">not a whole number in 0…MaxSeed (the message says so).</exception>
    public static long ParseSeed(string text)
    {
        if (!long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seed) || seed > MaxSeed)
            throw new FormatException($"seed '{Shorten(text)}' is not a whole number from 0 to {MaxSeed}");
        return seed;
    }

    public static string EncodeStrokes(IReadOnlyList<PaintStroke> strokes) => string.Join('.', strokes.Select(EncodeStroke));

    public static string EncodeStroke(PaintStroke s)
    {
        using var ms = new MemoryStream();
        ms.WriteByte((byte)(Version << 4 | (int)s.Mode));
        var concept = Encoding.UTF8.GetBytes(s.Concept ?? "");
        WriteVarint(ms, (uint)concept.Length);
        ms.Write(concept);
        WriteVarint(ms, (uint)s.Units.Count);
        foreach (var u in s.Units) WriteVarint(ms, (uint)u);
        if (s.Mode == PaintMode.Paint)
        {
            Span<byte> f = stackalloc byte[4];
            foreach (var v in s.Values) { BinaryPrimitives.WriteSingleLittleEndian(f, v); ms.Write(f); }
        }
        WriteVarint(ms, (uint)s.Side);
        var bits = new byte[(s.Side * s.Side + 7) / 8];
        for (var i = 0; i < s.Mask.Length; i++) if (s.Mask[i]) bits[i >> 3] |= (byte)(1 << (i & 7));
        ms.Write(bits);
        return Base64Url.EncodeToString(ms.ToArray());
    }

    /// <summary>The strokes of a link, in order; null or empty text is no strokes.</summary>
    /// <exception cref="FormatException">too long, too many strokes, or a stroke that is not a valid record (named by number).</exception>
    public static IReadOnlyList<PaintStroke> DecodeStrokes(string? text)
    {
        if (string.IsNullOrEmpty(text)) return [];
        if (text.Length > MaxStrokesText)
            throw new FormatException($"the stroke list in the link is {text.Length:N0} characters; at most {MaxStrokesText:N0} are read");
        var parts = text.Split('.');
        if (parts.Length > MaxStrokes)
            throw new FormatException($"the link has {parts.Length} strokes; at most {MaxStrokes} are allowed");
        return parts.Select((p, i) => DecodeStroke(p, i + 1)).ToList();
    }

    private static PaintStroke DecodeStroke(string text, int number)
    {
        byte[] data;
        try { data = Base64Url.DecodeFromChars(text); }
        catch (FormatException) { throw Bad(number, "is not base64url text"); }
        var pos = 0;
        if (data.Length == 0) throw Bad(number, "is empty");
        var head = data[pos++];
        if (head >> 4 != Version) throw Bad(number, $"has format version {head >> 4}; this dashboard reads version {Version}");
        var modeBits = head & 0x0F;
        if (modeBits > 1) throw Bad(number, $"has unknown mode {modeBits}");
        var mode = (PaintMode)modeBits;

        var conceptLength = ReadVarint(data, ref pos, MaxConceptBytes, number, "concept length");
        if (pos + conceptLength > data.Length) throw Bad(number, "ends inside its concept name");
        var concept = conceptLength == 0 ? null : Encoding.UTF8.GetString(data, pos, conceptLength);
        pos += conceptLength;

        var unitCount = ReadVarint(data, ref pos, MaxUnitsPerStroke, number, "unit count");
        if (unitCount == 0) throw Bad(number, "edits no units");
        var units = new int[unitCount];
        for (var i = 0; i < unitCount; i++) units[i] = ReadVarint(data, ref pos, 1 << 20, number, "unit number");

        var values = new float[mode == PaintMode.Paint ? unitCount : 0];
        if (pos + values.Length * 4 > data.Length) throw Bad(number, "ends inside its paint levels");
        for (var i = 0; i < values.Length; i++, pos += 4)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(pos));
            if (!float.IsFinite(values[i])) throw Bad(number, $"has a non-finite level for unit {units[i]}");
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
