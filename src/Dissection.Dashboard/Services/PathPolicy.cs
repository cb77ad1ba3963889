// Which folders the browser may point the server at: datasets and checkpoints only from the configured folders.
namespace Dissection.Dashboard.Services;

public sealed class PathNotAllowedException(string message) : Exception(message);

public sealed class PathPolicy(RepoPaths paths)
{
    /// <summary>The absolute dataset folder, or PathNotAllowedException naming the allowed folders.</summary>
    public string ResolveDataset(string path) => Resolve(path, paths.DataFolders, "Dashboard:DataFolders", "dataset");

    /// <summary>The absolute checkpoint file, or PathNotAllowedException naming the allowed folders.</summary>
    public string ResolveCheckpoint(string path) => Resolve(path, paths.ModelFolders, "Dashboard:ModelFolders", "checkpoint");

    public bool IsInside(string fullPath, IEnumerable<string> roots) =>
        roots.Any(r => IsUnder(fullPath, r));

    /// <summary>A path as the user should see it: relative to the repository root when inside it.</summary>
    public string Display(string fullPath)
    {
        var rel = Path.GetRelativePath(paths.Root, fullPath);
        return rel.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(rel) ? fullPath : rel;
    }

    private string Resolve(string path, IReadOnlyList<string> roots, string key, string what)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new PathNotAllowedException($"No {what} path given.");
        var full = paths.Resolve(path.Trim());
        if (!IsInside(full, roots))
            throw new PathNotAllowedException(
                $"The {what} path '{path}' is outside the allowed folders ({string.Join(", ", roots.Select(Display))}). " +
                $"Move it there or add its folder to {key}.");
        return full;
    }

    internal static bool IsUnder(string fullPath, string root)
    {
        var r = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var p = Path.TrimEndingDirectorySeparator(Path.GetFullPath(fullPath));
        return p == r || p.StartsWith(r + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }
}
