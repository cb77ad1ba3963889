// The JSON file of strokes `dissect edit` applies:
// {"layer":"layer4","strokes":[{"concept":"tree","units":[3,17],"mode":"erase","box":[x0,y0,x1,y1]},
//                              {"units":[5],"mode":"paint","values":[2.5],"cells":"0011…"}]}
// A stroke's region is either a box in image pixels (x1, y1 exclusive), reduced to the layer's cells as the playground
// reduces a painted canvas (PaintStroke.PoolPaintedMask), or the layer's cells as a row-major string of 0/1.
using System.Text.Json;
using System.Text.Json.Serialization;
using Dissection.Core.Gan;

namespace Dissection.Cli.Commands;

internal static class StrokeFile
{
    private sealed record FileDto([property: JsonPropertyName("layer")] string? Layer, [property: JsonPropertyName("strokes")] List<StrokeDto>? Strokes);

    private sealed record StrokeDto([property: JsonPropertyName("concept")] string? Concept, [property: JsonPropertyName("units")] List<int>? Units,
        [property: JsonPropertyName("mode")] string? Mode, [property: JsonPropertyName("values")] List<float>? Values,
        [property: JsonPropertyName("box")] int[]? Box, [property: JsonPropertyName("cells")] string? Cells);

    /// <exception cref="InvalidDataException">not a strokes file, or a stroke that does not fit the layer (says which).</exception>
    public static IReadOnlyList<PaintStroke> Read(string path, string layer, int side, int units, int resolution)
    {
        FileDto file;
        try { file = JsonSerializer.Deserialize<FileDto>(File.ReadAllText(path)) ?? throw new InvalidDataException($"{Path.GetFileName(path)} is empty"); }
        catch (JsonException e) { throw new InvalidDataException($"{Path.GetFileName(path)}: not a strokes file ({e.Message})", e); }
        if (file.Layer is not null && file.Layer != layer)
            throw new InvalidDataException($"{Path.GetFileName(path)}: strokes for {file.Layer}, but the encoder edits {layer}");
        var strokes = new List<PaintStroke>();
        foreach (var (s, i) in (file.Strokes ?? []).Select((s, i) => (s, i + 1)))
        {
            string Where() => $"{Path.GetFileName(path)}: stroke {i}";
            var unitList = s.Units ?? throw new InvalidDataException($"{Where()} has no units");
            if (unitList.Any(u => u < 0 || u >= units)) throw new InvalidDataException($"{Where()}: units must be within 0..{units - 1}");
            var mode = s.Mode?.ToLowerInvariant() switch
            {
                "erase" or null => PaintMode.Erase,
                "paint" => PaintMode.Paint,
                _ => throw new InvalidDataException($"{Where()}: mode '{s.Mode}' is not erase or paint"),
            };
            var values = mode == PaintMode.Paint ? s.Values ?? [] : [];
            if (mode == PaintMode.Paint && values.Count != unitList.Count) throw new InvalidDataException($"{Where()}: paint needs one value per unit");
            bool[] mask;
            if (s.Cells is { } cells)
            {
                if (cells.Length != side * side || cells.Any(c => c is not ('0' or '1')))
                    throw new InvalidDataException($"{Where()}: cells must be {side * side} characters of 0 and 1");
                mask = cells.Select(c => c == '1').ToArray();
            }
            else if (s.Box is [var x0, var y0, var x1, var y1])
            {
                if (x0 < 0 || y0 < 0 || x1 > resolution || y1 > resolution || x0 >= x1 || y0 >= y1)
                    throw new InvalidDataException($"{Where()}: box must lie within 0..{resolution} with x0 < x1 and y0 < y1");
                var bits = new byte[(resolution * resolution + 7) / 8];
                for (var y = y0; y < y1; y++)
                    for (var x = x0; x < x1; x++) { var p = y * resolution + x; bits[p >> 3] |= (byte)(1 << (p & 7)); }
                mask = PaintStroke.PoolPaintedMask(bits, resolution, resolution, side);
            }
            else throw new InvalidDataException($"{Where()}: give a box [x0,y0,x1,y1] or cells");
            strokes.Add(new PaintStroke(s.Concept, unitList, mode, values, side, mask));
        }
        if (strokes.Count == 0) throw new InvalidDataException($"{Path.GetFileName(path)} holds no strokes");
        return strokes;
    }
}
