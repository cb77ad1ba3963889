// The label cache of a segmenter dataset (label-cache.csv in the output folder): one line per labelled image with
// the source file's content hash and the segmenter key, the index.csv cells it produced and its per-label pixel
// counts. A line is appended only after the image's files are written, so an interrupted run resumes where it
// stopped, and an image is labelled again only when its bytes or the segmenter change.
using System.Globalization;
using System.Text;

using Dissection.Core.Datasets;

namespace Dissection.Core.Labelling;

/// <param name="Source">The image's path relative to the input folder ('/'-separated); also its path under images/.</param>
/// <param name="Hash">SHA-256 of the image file's bytes (hex).</param>
/// <param name="Cells">index.csv cells per plane category: a segmentation PNG path under images/, or "" for an empty plane.</param>
/// <param name="PixelCounts">Pixels per label number over all planes.</param>
internal sealed record LabelledImage(string Source, string Hash, string Segmenter, int ImageHeight, int ImageWidth, int SegSize,
    IReadOnlyList<string> Cells, IReadOnlyDictionary<int, long> PixelCounts);

internal sealed class LabelCache : IDisposable
{
    public const string FileName = "label-cache.csv";
    private readonly string _path;
    private readonly IReadOnlyList<string> _categories;
    private readonly Dictionary<string, LabelledImage> _entries = new(StringComparer.Ordinal);
    private StreamWriter? _writer;

    private LabelCache(string path, IReadOnlyList<string> categories)
    {
        _path = path;
        _categories = categories;
    }

    private string Header => "source,sha256,segmenter,ih,iw,seg," + string.Join(',', _categories) + ",counts";

    /// <summary>Reads the cache if it has the same plane categories; a torn last line (a crash mid-write) and lines
    /// that do not parse are ignored, since their images are simply labelled again.</summary>
    public static LabelCache Open(string folder, IReadOnlyList<string> categories)
    {
        var cache = new LabelCache(Path.Combine(folder, FileName), categories);
        if (!File.Exists(cache._path)) return cache;
        List<CsvRecord> rows;
        try { rows = CsvTable.Parse(File.ReadAllText(cache._path, Encoding.UTF8), cache._path); }
        catch (DatasetFormatException) { return cache; }
        if (rows.Count == 0 || string.Join(',', rows[0].Fields) != cache.Header) return cache;
        var width = 7 + categories.Count;
        foreach (var row in rows.Skip(1))
        {
            var f = row.Fields;
            if (f.Length != width || !Int(f[3], out var ih) || !Int(f[4], out var iw) || !Int(f[5], out var seg)) continue;
            if (!TryParseCounts(f[^1], out var counts)) continue;
            cache._entries[f[0]] = new LabelledImage(f[0], f[1], f[2], ih, iw, seg, f[6..^1], counts);
        }
        return cache;
    }

    public int Count => _entries.Count;

    /// <summary>The cached labels of an image when its bytes, the segmenter and the size are unchanged and its label
    /// files still exist.</summary>
    public LabelledImage? Find(string source, string hash, string segmenter, int segSize, string imagesFolder)
    {
        if (!_entries.TryGetValue(source, out var e) || e.Hash != hash || e.Segmenter != segmenter || e.SegSize != segSize) return null;
        if (!File.Exists(Path.Combine(imagesFolder, e.Source))) return null;
        return e.Cells.All(c => c.Length == 0 || File.Exists(Path.Combine(imagesFolder, c))) ? e : null;
    }

    /// <summary>Records a freshly labelled image; flushed at once so a crash loses at most the image in flight.</summary>
    public void Add(LabelledImage image)
    {
        _entries[image.Source] = image;
        if (_writer is null)
        {
            var fresh = !File.Exists(_path) || new FileInfo(_path).Length == 0 || !HeaderMatches();
            _writer = new StreamWriter(_path, append: !fresh, new UTF8Encoding(false)) { NewLine = "\n" };
            if (fresh) _writer.WriteLine(Header);
            else if (!EndsWithNewline()) _writer.WriteLine();
        }
        _writer.WriteLine(Line(image));
        _writer.Flush();
    }

    /// <summary>Rewrites the cache with only the given images (dropping stale lines), atomically.</summary>
    public void Compact(IEnumerable<LabelledImage> keep)
    {
        _writer?.Dispose();
        _writer = null;
        var sb = new StringBuilder(Header).Append('\n');
        foreach (var e in keep) sb.Append(Line(e)).Append('\n');
        var tmp = _path + ".tmp";
        File.WriteAllText(tmp, sb.ToString(), new UTF8Encoding(false));
        File.Move(tmp, _path, overwrite: true);
    }

    public void Dispose() => _writer?.Dispose();

    private bool HeaderMatches()
    {
        using var reader = new StreamReader(_path);
        return reader.ReadLine() == Header;
    }

    private bool EndsWithNewline()
    {
        using var s = File.OpenRead(_path);
        if (s.Length == 0) return true;
        s.Seek(-1, SeekOrigin.End);
        return s.ReadByte() == '\n';
    }

    private static string Line(LabelledImage e)
    {
        var fields = new List<string> { e.Source, e.Hash, e.Segmenter, I(e.ImageHeight), I(e.ImageWidth), I(e.SegSize) };
        fields.AddRange(e.Cells);
        fields.Add(string.Join(';', e.PixelCounts.OrderBy(kv => kv.Key).Select(kv => $"{I(kv.Key)}:{kv.Value.ToString(CultureInfo.InvariantCulture)}")));
        return string.Join(',', fields.Select(Quote));
    }

    /// <summary>RFC 4180 quoting, as the reader expects.</summary>
    internal static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) < 0 ? field : "\"" + field.Replace("\"", "\"\"") + "\"";

    private static bool TryParseCounts(string text, out Dictionary<int, long> counts)
    {
        counts = [];
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = part.IndexOf(':');
            if (colon <= 0 || !Int(part[..colon], out var n)
                || !long.TryParse(part[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var c)) return false;
            counts[n] = c;
        }
        return true;
    }

    private static bool Int(string s, out int v) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out v);
    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
