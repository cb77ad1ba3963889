// Which model output each labelled image belongs to: the dataset's scene label (Broden `scene` column, the world's
// scenes, or an image folder's class subfolder) matched to the model's class names BY NAME, never by position.
using System.Text.RegularExpressions;
using Dissection.Core.Datasets;

namespace Dissection.Core.Ablation;

public static partial class ClassLabelMap
{
    /// <summary>
    /// The model class index of every image (-1 where the image has no scene label or its scene is not a model
    /// class), or null when no image has a scene label (ablation then runs label-free). Throws ArgumentException
    /// explaining why when the dataset has labels but none can be matched to the model's classes.
    /// </summary>
    public static int[]? Resolve(IReadOnlyList<string>? classNames, ConceptDataset dataset, IReadOnlyList<DatasetImage> images,
        out string note)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(images);
        note = "";
        var scenes = images.Where(i => i.SceneLabel is not null).Select(i => i.SceneLabel!.Value).Distinct().Order().ToList();
        if (scenes.Count == 0) return null;
        string SceneName(int label) => label >= 0 && label < dataset.Concepts.Count ? dataset.Concepts[label].Name : $"#{label}";

        if (classNames is null || classNames.Count == 0)
            throw new ArgumentException(
                $"the dataset labels its images with {scenes.Count} scene classes ({Sample(scenes.Select(SceneName))}) but the " +
                "model has no class names (a classifier checkpoint names them in its .json sidecar, key \"classes\"), so " +
                "labels cannot be matched to model outputs; add the sidecar, or run label-free");

        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var c = 0; c < classNames.Count; c++) byName.TryAdd(Normalize(classNames[c]), c);

        var toClass = new Dictionary<int, int>();
        var unmatched = new List<string>();
        foreach (var label in scenes)
        {
            var name = SceneName(label);
            if (byName.TryGetValue(Normalize(name), out var c) || byName.TryGetValue(Normalize(StripSuffix(name)), out c))
                toClass[label] = c;
            else unmatched.Add(name);
        }
        if (toClass.Count == 0)
            throw new ArgumentException(
                $"none of the dataset's {scenes.Count} scene labels ({Sample(unmatched)}) matches a class name of the model " +
                $"({Sample(classNames)}); labels are matched by name (case, '_', '-', ' ' and a Places-style '/x/' prefix " +
                "ignored): is this the dataset the model was trained on? Otherwise run label-free");

        var result = images.Select(i => i.SceneLabel is { } l && toClass.TryGetValue(l, out var c) ? c : -1).ToArray();
        var skipped = result.Count(c => c < 0);
        if (unmatched.Count > 0 || skipped > 0)
            note = $"{skipped} of {images.Count} images left out: " +
                   (unmatched.Count > 0 ? $"{unmatched.Count} scene label(s) are not model classes ({Sample(unmatched)})" : "no scene label");
        return result;
    }

    /// <summary>Lower case; '_', '-', '/' and spaces are one separator; a leading Places-style "/a/" is dropped.</summary>
    internal static string Normalize(string name)
    {
        var s = PlacesPrefix().Replace(name.Trim(), "");
        return Separators().Replace(s.ToLowerInvariant(), " ").Trim();
    }

    /// <summary>Broden marks scene names that collide with objects with "-s" (e.g. "street-s").</summary>
    private static string StripSuffix(string name) => name.EndsWith("-s", StringComparison.Ordinal) ? name[..^2] : name;

    private static string Sample(IEnumerable<string> names)
    {
        var list = names.ToList();
        return string.Join(", ", list.Take(8)) + (list.Count > 8 ? $", ... ({list.Count} in all)" : "");
    }

    [GeneratedRegex(@"^/[a-z]/")] private static partial Regex PlacesPrefix();
    [GeneratedRegex(@"[\s_\-/]+")] private static partial Regex Separators();
}
