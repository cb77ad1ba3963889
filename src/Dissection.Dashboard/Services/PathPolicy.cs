// Which folders the browser may point the server at: datasets, checkpoints and uploads only from the configured folders,
// decided on real paths (every symbolic link resolved, Core's PathContainment), and how a server path is shown to a
// browser: relative to the repository or to an allowed folder, never absolute.
using Dissection.Core.Datasets;
using Dissection.Dashboard.Security;

namespace Dissection.Dashboard.Services;

public sealed class PathNotAllowedException(string message) : Exception(message);

public sealed class PathPolicy(RepoPaths paths)
{
    /// <summary>The absolute dataset folder, or PathNotAllowedException naming the allowed folders.</summary>
    public string ResolveDataset(string path) => Resolve(path, paths.DataFolders, "Dashboard:DataFolders", "dataset");

    /// <summary>The absolute checkpoint file, or PathNotAllowedException naming the allowed folders.</summary>
    public string ResolveCheckpoint(string path) => Resolve(path, paths.ModelFolders, "Dashboard:ModelFolders", "checkpoint");

    /// <summary>True when the path, links resolved, is inside one of the roots (links resolved too).</summary>
    public bool IsInside(string fullPath, IEnumerable<string> roots)
    {
        string real;
        try { real = PathContainment.RealPath(fullPath); }
        catch (IOException) { return false; } // a link loop leads nowhere allowed
        return roots.Any(r => PathContainment.IsUnder(real, PathContainment.RealPath(r)));
    }

    /// <summary>True when a file or folder that exists is inside the allowed data or model folders.</summary>
    public bool IsAllowedData(string fullPath) => IsInside(fullPath, paths.DataFolders);
    public bool IsAllowedModel(string fullPath) => IsInside(fullPath, paths.ModelFolders);

    /// <summary>A path as it is stored with a job: relative to the repository root when inside it (so it travels with
    /// the repository), else as is. Not for display: use <see cref="Show"/>.</summary>
    public string Display(string fullPath)
    {
        var rel = Path.GetRelativePath(paths.Root, fullPath);
        return rel.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(rel) ? fullPath : rel;
    }

    /// <summary>A path as a browser may see it: relative to the repository, else to the allowed (or cache) folder it is
    /// in, prefixed with that folder's name; anything else only by its file name.</summary>
    public string Show(string path)
    {
        if (!Path.IsPathRooted(path)) return path;
        var full = Path.GetFullPath(path);
        foreach (var root in KnownRoots())
            if (PathContainment.IsUnder(full, root.Path))
            {
                var rel = Path.GetRelativePath(root.Path, full);
                return rel == "." ? root.Name : Path.Combine(root.Name, rel);
            }
        return Path.GetFileName(Path.TrimEndingDirectorySeparator(full)) is { Length: > 0 } name ? name : "(server folder)";
    }

    /// <summary>A message for a browser: every absolute path in it replaced by <see cref="Show"/>'s form.</summary>
    public string Scrub(string? message) => ServerPathText.Replace(message ?? "", Show);

    /// <summary>A run as a browser or the API may see it: model, dataset and message without absolute server paths.</summary>
    public Dissection.Core.Storage.RunInfo ForBrowser(Dissection.Core.Storage.RunInfo run) =>
        run with { Model = Scrub(run.Model), Dataset = Scrub(run.Dataset), Message = run.Message is null ? null : Scrub(run.Message) };

    /// <summary>Folders a path may be shown relative to, the most specific first; the repository root is shown as "".</summary>
    private IEnumerable<(string Path, string Name)> KnownRoots()
    {
        var named = paths.DataFolders.Concat(paths.ModelFolders).Append(paths.CacheFolder)
            .Select(f => (Path: Path.TrimEndingDirectorySeparator(f), Name: Display(f)))
            .Select(r => (r.Path, Name: Path.IsPathRooted(r.Name) ? Path.GetFileName(r.Path) : r.Name));
        return named.Append((Path: Path.TrimEndingDirectorySeparator(paths.Root), Name: "."))
            .OrderByDescending(r => r.Path.Length);
    }

    private string Resolve(string path, IReadOnlyList<string> roots, string key, string what)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new PathNotAllowedException($"No {what} path given.");
        var full = paths.Resolve(path.Trim());
        if (!IsInside(full, roots))
            throw new PathNotAllowedException(
                $"The {what} path '{path.Trim()}' is outside the allowed folders ({string.Join(", ", roots.Select(Show))}), " +
                "or is a link that leads outside them. Move it there or add its folder to " + key + ".");
        return full;
    }
}
