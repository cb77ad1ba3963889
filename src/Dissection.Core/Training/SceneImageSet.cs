// The images of a Broden-format dataset with their scene class, decoded once into one uint8 tensor (N,3,H,W):
// decoding JPEGs every epoch would cost more than the training steps on 2 cores.
using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using static TorchSharp.torch;

namespace Dissection.Core.Training;

internal sealed class SceneImageSet : IDisposable
{
    public required Tensor Images { get; init; }
    public required long[] Labels { get; init; }
    public int Count => Labels.Length;
    public void Dispose() => Images.Dispose();

    /// <summary>Scene classes of a dataset in class-index order (= order of scene label numbers), from c_scene.csv.</summary>
    public static IReadOnlyList<(int Number, string Name)> ReadScenes(string root)
    {
        var path = Path.Combine(root, "c_scene.csv");
        if (!File.Exists(path)) throw new InvalidDataException($"{path} is missing: the dataset has no scene labels to train on");
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || !lines[0].StartsWith("code,number,name", StringComparison.Ordinal))
            throw new InvalidDataException($"{path}:1: expected header 'code,number,name,...'");
        var scenes = new List<(int, string)>();
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var f = lines[i].Split(',');
            if (f.Length < 3 || !int.TryParse(f[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
                throw new InvalidDataException($"{path}:{i + 1}: expected 'code,number,name', got '{lines[i]}'");
            scenes.Add((number, f[2]));
        }
        if (scenes.Count < 2) throw new InvalidDataException($"{path}: at least 2 scenes are needed, found {scenes.Count}");
        return scenes.OrderBy(s => s.Item1).ToList();
    }

    /// <summary>Loads the rows of index.csv with the given split, resized to size x size.</summary>
    public static SceneImageSet Load(string root, string split, IReadOnlyList<(int Number, string Name)> scenes, int size, int? maxRows, CancellationToken cancel)
    {
        var index = Path.Combine(root, "index.csv");
        if (!File.Exists(index)) throw new InvalidDataException($"{index} is missing (generate the world first: dissect world)");
        var lines = File.ReadAllLines(index);
        var header = lines.Length > 0 ? lines[0].Split(',') : [];
        int col(string name) => Array.IndexOf(header, name) is var c and >= 0 ? c : throw new InvalidDataException($"{index}:1: no '{name}' column");
        int cImage = col("image"), cSplit = col("split"), cScene = col("scene");
        var classOf = scenes.Select((s, i) => (s.Number, i)).ToDictionary(p => p.Number, p => p.i);
        var rows = new List<(string Path, long Label)>();
        var last = maxRows is { } m ? Math.Min(lines.Length, m + 1) : lines.Length;
        for (var i = 1; i < last; i++)
        {
            if (lines[i].Length == 0) continue;
            var f = lines[i].Split(',');
            if (f.Length != header.Length) throw new InvalidDataException($"{index}:{i + 1}: {f.Length} fields, header has {header.Length}");
            if (f[cSplit] != split) continue;
            var sceneCell = f[cScene].Split(';')[0];
            if (!int.TryParse(sceneCell, NumberStyles.Integer, CultureInfo.InvariantCulture, out var scene) || !classOf.TryGetValue(scene, out var cls))
                throw new InvalidDataException($"{index}:{i + 1}: scene '{f[cScene]}' is not a label of c_scene.csv");
            rows.Add((Path.Combine(root, "images", f[cImage]), cls));
        }
        var pixels = 3 * size * size;
        var data = new byte[(long)rows.Count * pixels];
        Parallel.For(0, rows.Count, new ParallelOptions { CancellationToken = cancel }, i =>
        {
            var (path, _) = rows[i];
            Image<Rgb24> image;
            try { image = Image.Load<Rgb24>(path); }
            catch (Exception e) when (e is IOException or UnknownImageFormatException or InvalidImageContentException)
            { throw new InvalidDataException($"{path}: cannot read image ({e.Message})", e); }
            using (image)
            {
                if (image.Width != size || image.Height != size) image.Mutate(c => c.Resize(size, size));
                var plane = size * size;
                var off = (long)i * pixels;
                image.ProcessPixelRows(acc =>
                {
                    for (var y = 0; y < size; y++)
                    {
                        var row = acc.GetRowSpan(y);
                        for (var x = 0; x < size; x++)
                        {
                            var p = row[x];
                            var k = off + y * size + x;
                            data[k] = p.R; data[k + plane] = p.G; data[k + 2 * plane] = p.B;
                        }
                    }
                });
            }
        });
        return new SceneImageSet { Images = tensor(data, [rows.Count, 3, size, size], ScalarType.Byte), Labels = rows.Select(r => r.Label).ToArray() };
    }
}
