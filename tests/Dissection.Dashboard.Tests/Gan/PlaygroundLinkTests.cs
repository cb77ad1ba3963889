// The playground permalink: strokes survive encode → decode exactly (concept, units, mode, paint levels, mask), and
// damaged or oversized links are refused with a message that says what is wrong.
using System.Buffers.Text;
using Dissection.Dashboard.Gan;

namespace Dissection.Dashboard.Tests.Gan;

public class PlaygroundLinkTests
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

        var back = PlaygroundLink.DecodeStrokes(text);
        Assert.Equal(strokes.Count, back.Count);
        for (var i = 0; i < strokes.Count; i++)
        {
            Assert.Equal(strokes[i].Concept, back[i].Concept);
            Assert.Equal(strokes[i].Units, back[i].Units);
            Assert.Equal(strokes[i].Mode, back[i].Mode);
            Assert.Equal(strokes[i].Values, back[i].Values);   // bit-exact floats
            Assert.Equal(strokes[i].Side, back[i].Side);
            Assert.Equal(strokes[i].Mask, back[i].Mask);
        }
        Assert.Equal(text, PlaygroundLink.EncodeStrokes(back));
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
        wrongVersion[0] = 0x21;
        Assert.Contains("version 2", Assert.Throws<FormatException>(() => PlaygroundLink.DecodeStrokes(Base64Url.EncodeToString(wrongVersion))).Message);
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
