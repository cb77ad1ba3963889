// A plain image folder used as a dataset: no labels, but one subfolder per class becomes scene-category concepts
// (so ablation can use the folder name as the class). Image sizes are unknown (0) until an image is decoded.
namespace Dissection.Core.Datasets;

internal static class ImageFolderReader
{
    static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".png", ".webp" };

    public static DatasetContents Read(string root)
    {
        var paths = BrodenReader.ListFiles(root)
            .Where(p => Extensions.Contains(Path.GetExtension(p)))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (paths.Count == 0) throw new DatasetFormatException($"{root}: no index.csv and no .jpg/.jpeg/.png/.webp images");

        bool byClass = paths.All(p => p.Count(ch => ch == '/') == 1);
        var concepts = new List<Concept> { new(0, "-", "") };
        var classOf = new Dictionary<string, int>(StringComparer.Ordinal);
        if (byClass)
            foreach (var name in paths.Select(p => p[..p.IndexOf('/')]).Distinct().Order(StringComparer.Ordinal))
            {
                classOf[name] = concepts.Count;
                concepts.Add(new Concept(concepts.Count, name, "scene"));
            }
        var known = new bool[concepts.Count];
        for (int i = 1; i < known.Length; i++) known[i] = true;

        var images = paths.Select((p, i) => new DatasetImage(i, p, "", 0, 0, 0, 0,
            byClass ? classOf[p[..p.IndexOf('/')]] : null)).ToList();
        var annotations = Enumerable.Repeat(ImageAnnotations.None, images.Count).ToArray();
        return new DatasetContents(root, root, false, concepts, known,
            byClass ? ["scene"] : [], images, annotations);
    }
}
