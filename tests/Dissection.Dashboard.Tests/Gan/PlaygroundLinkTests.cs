// The playground permalink: strokes survive encode → decode exactly (concept, unit set, mode, paint levels, mask),
// format-1 links still read, links stay short, and damaged or oversized links are refused with a message that says
// what is wrong.
using System.Buffers.Text;
using System.Buffers.Binary;
using System.Text;
using Dissection.Core.Gan;
using Dissection.Dashboard.Gan;
using Xunit.Abstractions;

namespace Dissection.Dashboard.Tests.Gan;

public class PlaygroundLinkTests(ITestOutputHelper output)
{
    private static bool[] Mask(int side, params int[] on)
    {
        var m = new bool[side * side];
        foreach (var i in on) m[i] = true;
        return m;
    }

    [Fact]
    public void Strokes_round_trip_exactly()
    {
        var strokes = new List<PaintStroke>
        {
            new("tree", [17, 3, 250], PaintMode.Erase, [], 8, Mask(8, 0, 9, 63)),
            new("snow-capped peak · ü", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], PaintMode.Paint,
                [0.25f, -1.5f, 3.1415927f, 1e-7f, 2.5e8f, 0f, 1f, 2f, 3f, 4f], 16, Mask(16, 5, 100, 255)),
            new(null, [511, 128], PaintMode.Paint, [9.75f, 0.001f], 3, Mask(3, 8)),   // 9 cells: a partial last byte
        };
        var text = PlaygroundLink.EncodeStrokes(strokes);
        Assert.DoesNotContain('=', text);
        Assert.All(text, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.', $"'{c}' is not URL-safe"));

        AssertSameStrokes(strokes, PlaygroundLink.DecodeStrokes(text));
        Assert.Equal(text, PlaygroundLink.EncodeStrokes(PlaygroundLink.DecodeStrokes(text)));
    }

    /// <summary>Same strokes: a stroke's units are a set (the link keeps them sorted), each with its own level.</summary>
    private static void AssertSameStrokes(IReadOnlyList<PaintStroke> expected, IReadOnlyList<PaintStroke> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Concept, actual[i].Concept);
            Assert.Equal(expected[i].Units.Order(), actual[i].Units.Order());
            Assert.Equal(expected[i].Mode, actual[i].Mode);
            Assert.Equal(Levels(expected[i]), Levels(actual[i]));   // bit-exact floats, per unit
            Assert.Equal(expected[i].Side, actual[i].Side);
            Assert.Equal(expected[i].Mask, actual[i].Mask);
        }
    }

    private static Dictionary<int, float> Levels(PaintStroke s) =>
        s.Values.Count == 0 ? [] : s.Units.Select((u, i) => (u, i)).ToDictionary(p => p.u, p => s.Values[p.i]);

    /// <summary>A format-1 record, written byte by byte as the dashboard wrote them before format 2: every unit a
    /// varint in stroke order, every paint level a float.</summary>
    private static string V1(PaintStroke s)
    {
        var b = new List<byte> { (byte)(1 << 4 | (int)s.Mode) };
        void Varint(uint v) { while (v >= 0x80) { b.Add((byte)(v | 0x80)); v >>= 7; } b.Add((byte)v); }
        var concept = Encoding.UTF8.GetBytes(s.Concept ?? "");
        Varint((uint)concept.Length);
        b.AddRange(concept);
        Varint((uint)s.Units.Count);
        foreach (var u in s.Units) Varint((uint)u);
        foreach (var v in s.Values) { var f = new byte[4]; BinaryPrimitives.WriteSingleLittleEndian(f, v); b.AddRange(f); }
        Varint((uint)s.Side);
        var bits = new byte[(s.Side * s.Side + 7) / 8];
        for (var i = 0; i < s.Mask.Length; i++) if (s.Mask[i]) bits[i >> 3] |= (byte)(1 << (i & 7));
        b.AddRange(bits);
        return Base64Url.EncodeToString(b.ToArray());
    }

    [Fact]
    public void Old_format_1_links_still_read()
    {
        var strokes = new List<PaintStroke>
        {
            new("tree", [17, 3, 250], PaintMode.Erase, [], 8, Mask(8, 0, 9, 63)),
            new("sky", [9, 2], PaintMode.Paint, [0.5f, 2.25f], 4, Mask(4, 3)),
        };
        AssertSameStrokes(strokes, PlaygroundLink.DecodeStrokes(string.Join('.', strokes.Select(V1))));
    }

    /// <summary>A GANPaint-sized session: a 512-unit layer at 16×16, ten strokes of 128 hand-picked units or of a
    /// concept's 15 units, painted with the layer's levels.</summary>
    [Fact]
    public void Ten_strokes_of_128_units_stay_well_under_2000_characters_and_round_trip()
    {
        var random = new Random(3);
        var levels = Enumerable.Range(0, 512).Select(_ => (float)random.NextDouble() * 5).ToArray();
        var strokes = Enumerable.Range(0, 10).Select(k =>
        {
            var units = Enumerable.Range(0, 512).OrderBy(_ => random.Next()).Take(k % 2 == 0 ? 128 : 15).ToList();
            var mode = k % 3 == 0 ? PaintMode.Erase : PaintMode.Paint;
            var cells = Enumerable.Range(0, 256).Where(i => Math.Abs(i / 16 - k - 3) <= 1 && Math.Abs(i % 16 - 2 * k % 16) <= 2).ToArray();
            return new PaintStroke(k % 2 == 0 ? null : "tree", units, mode, mode == PaintMode.Paint ? units.Select(u => levels[u]).ToList() : [], 16, Mask(16, cells));
        }).ToList();
        var link = PlaygroundLink.Build("world-gan", 7, "layer4", strokes, levels);
        var v1 = "/gan/world-gan?seed=7&layer=layer4&strokes=" + string.Join('.', strokes.Select(V1));
        var inline = PlaygroundLink.Build("world-gan", 7, "layer4", strokes);
        output.WriteLine($"10 strokes (5 × 128 units, 5 × 15 units, 512-unit layer, 16×16): format 1 {v1.Length:N0} characters, " +
                         $"format 2 with inline levels {inline.Length:N0}, format 2 with stored levels {link.Length:N0}");
        Assert.True(link.Length < 1500, $"{link.Length} characters");
        Assert.True(link.Length * 3 < v1.Length, $"{link.Length} vs {v1.Length}");

        var text = link[(link.IndexOf("strokes=", StringComparison.Ordinal) + 8)..];
        AssertSameStrokes(strokes, PlaygroundLink.DecodeStrokes(text, levels));
        AssertSameStrokes(strokes, PlaygroundLink.DecodeStrokes(inline[(inline.IndexOf("strokes=", StringComparison.Ordinal) + 8)..]));
    }

    [Fact]
    public void A_stroke_that_names_stored_levels_is_refused_when_the_levels_changed_or_are_unknown()
    {
        float[] levels = [1f, 2f, 3f, 4f];
        var text = PlaygroundLink.EncodeStroke(new PaintStroke("sky", [1, 3], PaintMode.Paint, [2f, 4f], 4, Mask(4, 3)), levels);
        Assert.Equal([2f, 4f], PlaygroundLink.DecodeStrokes(text, levels)[0].Values);
        Assert.Contains("levels that differ", Assert.Throws<FormatException>(() => PlaygroundLink.DecodeStrokes(text, [1f, 2.5f, 3f, 4f])).Message);
        Assert.Contains("not known", Assert.Throws<FormatException>(() => PlaygroundLink.DecodeStrokes(text)).Message);
        // Levels the layer does not have travel inline and need nothing from the reader.
        var own = PlaygroundLink.EncodeStroke(new PaintStroke("sky", [1, 3], PaintMode.Paint, [7f, 8f], 4, Mask(4, 3)), levels);
        Assert.Equal([7f, 8f], PlaygroundLink.DecodeStrokes(own)[0].Values);
    }

    [Fact]
    public void Link_carries_seed_layer_and_strokes_and_an_8x8_stroke_is_compact()
    {
        var stroke = new PaintStroke("tree", [1, 2, 3, 4], PaintMode.Erase, [], 8, Mask(8, 10, 11, 18, 19));
        var link = PlaygroundLink.Build("world-gan", 42, "layer4", [stroke]);
        Assert.StartsWith("/gan/world-gan?seed=42&layer=layer4&strokes=", link);
        Assert.True(PlaygroundLink.EncodeStroke(stroke).Length < 30, PlaygroundLink.EncodeStroke(stroke));
        Assert.Equal("/gan/world-gan?seed=0&layer=layer4", PlaygroundLink.Build("world-gan", 0, "layer4", []));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("2147483648")]
    [InlineData("seven")]
    [InlineData("1e3")]
    public void Seed_out_of_range_or_not_a_number_is_refused(string seed) =>
        Assert.Contains("0 to 2147483647", Assert.Throws<FormatException>(() => PlaygroundLink.ParseSeed(seed)).Message);

    [Fact]
    public void Seed_in_range_parses() => Assert.Equal(2147483647, PlaygroundLink.ParseSeed("2147483647"));

    [Fact]
    public void Too_many_strokes_or_too_long_a_list_is_refused_with_the_limit()
    {
        var one = PlaygroundLink.EncodeStroke(new PaintStroke(null, [1], PaintMode.Erase, [], 2, Mask(2, 0)));
        var many = string.Join('.', Enumerable.Repeat(one, PlaygroundLink.MaxStrokes + 1));
        Assert.Contains($"at most {PlaygroundLink.MaxStrokes}", Assert.Throws<FormatException>(() => PlaygroundLink.DecodeStrokes(many)).Message);
        Assert.Equal(PlaygroundLink.MaxStrokes, PlaygroundLink.DecodeStrokes(string.Join('.', Enumerable.Repeat(one, PlaygroundLink.MaxStrokes))).Count);
        var huge = new string('A', PlaygroundLink.MaxStrokesText + 1);
        Assert.Contains("characters", Assert.Throws<FormatException>(() => PlaygroundLink.DecodeStrokes(huge)).Message);
    }

    [Fact]
    public void Damaged_strokes_name_the_stroke_and_the_problem()
    {
        var good = PlaygroundLink.EncodeStroke(new PaintStroke("sky", [4, 5], PaintMode.Paint, [1f, 2f], 4, Mask(4, 3)));
        var bytes = Base64Url.DecodeFromChars(good);

        Assert.Contains("stroke 2", Assert.Throws<FormatException>(() => PlaygroundLink.DecodeStrokes(good + ".!!")).Message);
        Assert.Contains("mask bytes", Assert.Throws<FormatException>(() =>
            PlaygroundLink.DecodeStrokes(Base64Url.EncodeToString(bytes[..^1]))).Message);
        Assert.Contains("mask bytes", Assert.Throws<FormatException>(() =>
            PlaygroundLink.DecodeStrokes(Base64Url.EncodeToString([.. bytes, 0]))).Message);
        var wrongVersion = (byte[])bytes.Clone();
        wrongVersion[0] = 0x31;
        Assert.Contains("version 3", Assert.Throws<FormatException>(() => PlaygroundLink.DecodeStrokes(Base64Url.EncodeToString(wrongVersion))).Message);
        Assert.Contains("ends inside", Assert.Throws<FormatException>(() => PlaygroundLink.DecodeStrokes(Base64Url.EncodeToString(bytes[..5]))).Message);
        Assert.Contains("stroke 2 in the link is empty", Assert.Throws<FormatException>(() => PlaygroundLink.DecodeStrokes(good + ".")).Message);
        Assert.Empty(PlaygroundLink.DecodeStrokes(null));
        Assert.Empty(PlaygroundLink.DecodeStrokes(""));
    }

    [Fact]
    public void Painted_pixels_are_max_pooled_to_the_layer_cells()
    {
        // 16×16 painting, one pixel at (row 5, col 13) and one at (row 15, col 0) → cells (1,3) and (3,0) of a 4×4 grid.
        var bits = new byte[32];
        foreach (var (r, c) in new[] { (5, 13), (15, 0) }) { var i = r * 16 + c; bits[i >> 3] |= (byte)(1 << (i & 7)); }
        var cells = PaintStroke.PoolPaintedMask(bits, 16, 16, 4);
        Assert.Equal(Enumerable.Range(0, 16).Select(i => i is 1 * 4 + 3 or 3 * 4 + 0), cells);
        Assert.Throws<ArgumentException>(() => PaintStroke.PoolPaintedMask(new byte[31], 16, 16, 4));
    }
}
