// Reads and validates a Broden folder (format in BrodenFormat.cs). Everything cheap is checked here, before a run starts:
// CSV shape, sizes, file existence (one directory walk, not one stat per file) and image-level label numbers.
// PNG contents are checked lazily when labels are loaded, since decoding every PNG up front is too slow for 60k images.
// Containment: every file the dataset names stays inside its folder (PathContainment): index paths are relative without
// '..', links that lead out are refused, and the images folder is listed without following links.
using System.Globalization;

namespace Dissection.Core.Datasets;

internal static class BrodenReader
{
    public static DatasetContents Read(string root)
    {
        string realRoot = PathContainment.RealPath(root);
        string imagesDir = Path.Combine(root, BrodenFormat.ImagesFolder);
        var (concepts, known) = ReadLabels(Contained(Path.Combine(root, "label.csv"), realRoot));
        var coverage = ReadCategoryFiles(root, realRoot, known);
        if (!Directory.Exists(imagesDir))
            throw new DatasetFormatException($"{imagesDir}: images folder is missing");
        // A linked images folder is listed at its real place, and only when that place is inside the dataset.
        string realImages = PathContainment.RealPath(imagesDir);
        if (!PathContainment.IsUnder(realImages, realRoot))
            throw new DatasetFormatException($"{imagesDir}: the images folder is a link that leads outside the dataset folder");
        var existing = ListFiles(realImages);
        var (categories, images, annotations) = ReadIndex(Contained(Path.Combine(root, "index.csv"), realRoot), imagesDir, existing, known,
            new Containment(realRoot));
        return new DatasetContents(root, imagesDir, true, concepts, known, categories, images, annotations) { Coverage = coverage };
    }

    static (List<Concept>, bool[]) ReadLabels(string path)
    {
        if (!File.Exists(path)) throw new DatasetFormatException($"{path}: label.csv is missing");
        var rows = CsvTable.Read(path);
        if (rows.Count == 0) throw new DatasetFormatException($"{path}, line 1: empty file, expected header {string.Join(',', BrodenFormat.LabelColumns)}");
        var header = rows[0];
        int numberCol = Column(header, "number", path), nameCol = Column(header, "name", path), catCol = Column(header, "category", path);
        var byNumber = new Dictionary<int, Concept>();
        foreach (var row in rows.Skip(1))
        {
            if (row.Fields.Length != header.Fields.Length)
                throw new DatasetFormatException($"{path}, line {row.Line}: {row.Fields.Length} columns, header has {header.Fields.Length}");
            if (!int.TryParse(row.Fields[numberCol], NumberStyles.None, CultureInfo.InvariantCulture, out int number))
                throw new DatasetFormatException($"{path}, line {row.Line}: label number '{row.Fields[numberCol]}' is not a non-negative integer");
            if (byNumber.ContainsKey(number))
                throw new DatasetFormatException($"{path}, line {row.Line}: label number {number} appears twice");
            byNumber[number] = new Concept(number, row.Fields[nameCol], BrodenFormat.PrimaryCategory(row.Fields[catCol]));
        }
        int max = byNumber.Count == 0 ? 0 : byNumber.Keys.Max();
        var concepts = new List<Concept>(max + 1);
        var known = new bool[max + 1];
        for (int n = 0; n <= max; n++)
        {
            if (n > 0 && byNumber.TryGetValue(n, out var c)) { concepts.Add(c); known[n] = true; }
            else concepts.Add(n == 0 ? new Concept(0, "-", "") : new Concept(n, "", ""));
        }
        return (concepts, known);
    }

    /// <summary>Validates category.csv and the c_*.csv files, and reads the category order and label coverages.</summary>
    static CategoryCoverage ReadCategoryFiles(string root, string realRoot, bool[] known)
    {
        string catPath = Contained(Path.Combine(root, "category.csv"), realRoot);
        var order = new List<string>();
        if (File.Exists(catPath))
        {
            var rows = CsvTable.Read(catPath);
            if (rows.Count == 0) throw new DatasetFormatException($"{catPath}, line 1: empty file");
            int nameCol = Column(rows[0], "name", catPath);
            foreach (var row in rows.Skip(1))
            {
                if (row.Fields.Length != rows[0].Fields.Length)
                    throw new DatasetFormatException($"{catPath}, line {row.Line}: {row.Fields.Length} columns, header has {rows[0].Fields.Length}");
                order.Add(row.Fields[nameCol].Trim());
            }
        }
        var coverage = new Dictionary<string, IReadOnlyDictionary<int, double>>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(root, "c_*.csv", new EnumerationOptions { AttributesToSkip = FileAttributes.ReparsePoint }))
        {
            var rows = CsvTable.Read(path);
            if (rows.Count == 0) throw new DatasetFormatException($"{path}, line 1: empty file");
            int numberCol = Column(rows[0], "number", path);
            int coverageCol = Array.FindIndex(rows[0].Fields, f => f.Trim() == "coverage");
            var table = new Dictionary<int, double>();
            foreach (var row in rows.Skip(1))
            {
                if (row.Fields.Length != rows[0].Fields.Length)
                    throw new DatasetFormatException($"{path}, line {row.Line}: {row.Fields.Length} columns, header has {rows[0].Fields.Length}");
                if (!int.TryParse(row.Fields[numberCol], NumberStyles.None, CultureInfo.InvariantCulture, out int n))
                    throw new DatasetFormatException($"{path}, line {row.Line}: label number '{row.Fields[numberCol]}' is not a non-negative integer");
                if (n != 0 && (n >= known.Length || !known[n]))
                    throw new DatasetFormatException($"{path}, line {row.Line}: label number {n} is not in label.csv");
                if (coverageCol < 0 || n == 0) continue;
                if (!double.TryParse(row.Fields[coverageCol], NumberStyles.Float, CultureInfo.InvariantCulture, out var c) || !double.IsFinite(c))
                    throw new DatasetFormatException($"{path}, line {row.Line}: coverage '{row.Fields[coverageCol]}' is not a number");
                table[n] = c;
            }
            var name = Path.GetFileNameWithoutExtension(path)["c_".Length..];
            coverage[name] = table;
        }
        return new CategoryCoverage(order, coverage);
    }

    static (List<string>, List<DatasetImage>, ImageAnnotations[]) ReadIndex(
        string path, string imagesDir, HashSet<string> existing, bool[] known, Containment containment)
    {
        if (!File.Exists(path)) throw new DatasetFormatException($"{path}: index.csv is missing");
        var rows = CsvTable.Read(path);
        if (rows.Count == 0) throw new DatasetFormatException($"{path}, line 1: empty file");
        var header = rows[0].Fields.Select(f => f.Trim()).ToArray();
        for (int i = 0; i < BrodenFormat.FixedIndexColumns.Length; i++)
            if (i >= header.Length || header[i] != BrodenFormat.FixedIndexColumns[i])
                throw new DatasetFormatException(
                    $"{path}, line {rows[0].Line}: header must start with {string.Join(',', BrodenFormat.FixedIndexColumns)}");
        var categories = header.Skip(BrodenFormat.FixedIndexColumns.Length).ToList();
        if (categories.Any(string.IsNullOrEmpty) || categories.Distinct().Count() != categories.Count)
            throw new DatasetFormatException($"{path}, line {rows[0].Line}: category columns must be non-empty and distinct");

        var images = new List<DatasetImage>(rows.Count - 1);
        var annotations = new ImageAnnotations[rows.Count - 1];
        var files = new List<string>();
        var labels = new List<int>();
        var present = new List<string>();
        foreach (var row in rows.Skip(1))
        {
            var f = row.Fields;
            string where = $"{path}, line {row.Line}";
            if (f.Length != header.Length)
                throw new DatasetFormatException($"{where}: {f.Length} columns, header has {header.Length}");
            string image = f[0].Trim();
            if (image.Length == 0) throw new DatasetFormatException($"{where}: empty image path");
            int ih = Size(f[2], "ih", where), iw = Size(f[3], "iw", where), sh = Size(f[4], "sh", where), sw = Size(f[5], "sw", where);
            RequireFile(imagesDir, image, existing, where, "image", containment);

            files.Clear(); labels.Clear(); present.Clear();
            int? scene = null;
            for (int c = 0; c < categories.Count; c++)
            {
                string cell = f[BrodenFormat.FixedIndexColumns.Length + c];
                bool any = false;
                foreach (var entry in cell.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    any = true;
                    if (BrodenFormat.TryParseLabelNumber(entry, out int n))
                    {
                        if (n == 0 || n >= known.Length || !known[n])
                            throw new DatasetFormatException($"{where}: {categories[c]} label {n} is not in label.csv");
                        labels.Add(n);
                        if (categories[c] == "scene") scene ??= n;
                    }
                    else
                    {
                        RequireFile(imagesDir, entry, existing, where, $"{categories[c]} segmentation", containment);
                        files.Add(entry);
                    }
                }
                if (any) present.Add(categories[c]);
            }
            annotations[images.Count] = new ImageAnnotations(files.ToArray(), labels.ToArray(), present.ToArray());
            images.Add(new DatasetImage(images.Count, image, f[1].Trim(), ih, iw, sh, sw, scene));
        }
        return (categories, images, annotations);
    }

    static int Column(CsvRecord header, string name, string path)
    {
        int i = Array.FindIndex(header.Fields, f => f.Trim() == name);
        if (i < 0) throw new DatasetFormatException($"{path}, line {header.Line}: header has no '{name}' column");
        return i;
    }

    static int Size(string text, string column, string where)
    {
        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v <= 0)
            throw new DatasetFormatException($"{where}: {column} '{text}' is not a positive integer");
        return v;
    }

    /// <summary>The dataset's real root, against which files not seen by the listing (links, "./" paths) are checked.</summary>
    sealed record Containment(string RealRoot);

    static void RequireFile(string imagesDir, string relative, HashSet<string> existing, string where, string what, Containment containment)
    {
        if (PathContainment.IndexPathProblem(relative) is { } problem)
            throw new DatasetFormatException($"{where}: {what} path '{relative}' {problem}");
        // The listing follows no links, so a listed file is a plain file inside the folder.
        if (existing.Contains(relative)) return;
        // Paths with "./" or backslashes, and linked files, miss the set; the real path has the final word.
        var file = Path.Combine(imagesDir, relative);
        if (File.Exists(file))
        {
            if (PathContainment.IsUnder(PathContainment.RealPath(file), containment.RealRoot)) return;
            throw new DatasetFormatException($"{where}: {what} file '{relative}' is a link that leads outside the dataset folder");
        }
        throw new DatasetFormatException($"{where}: {what} file '{relative}' does not exist under {imagesDir}");
    }

    /// <summary>A dataset's own file (label.csv, index.csv, ...); refused when it is a link that leads outside.</summary>
    static string Contained(string file, string realRoot)
    {
        if (File.Exists(file) && !PathContainment.IsUnder(PathContainment.RealPath(file), realRoot))
            throw new DatasetFormatException($"{file}: is a link that leads outside the dataset folder");
        return file;
    }

    /// <summary>All files under a folder as '/'-separated relative paths, from one directory walk that never follows
    /// a link (a linked subfolder could lead anywhere, /proc included; linked files are checked one by one instead).</summary>
    internal static HashSet<string> ListFiles(string directory)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        int prefix = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)).Length + 1;
        foreach (var file in Directory.EnumerateFiles(Path.GetFullPath(directory), "*", options))
        {
            var rel = file[prefix..];
            if (Path.DirectorySeparatorChar != '/') rel = rel.Replace(Path.DirectorySeparatorChar, '/');
            set.Add(rel);
        }
        return set;
    }
}
