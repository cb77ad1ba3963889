// Containment of paths inside allowed folders, decided on real paths: every symbolic link on the way (any component,
// not only the last) is resolved before a path is compared with its root, so a link cannot lead a dataset, a checkpoint,
// an upload or an index row out of the folder it was allowed in. Index rows get their own rule: relative, no '..'.
namespace Dissection.Core.Datasets;

public static class PathContainment
{
    /// <summary>How many links one path may pass through before it counts as a loop (Linux's own limit).</summary>
    const int MaxLinks = 40;

    /// <summary>The absolute path with every symbolic link resolved, component by component. Components that do not
    /// exist are kept as written, so a path to a file about to be created resolves too.</summary>
    /// <exception cref="IOException">the links loop.</exception>
    public static string RealPath(string path)
    {
        var pending = new Stack<string>(Split(Path.GetFullPath(path)).Reverse());
        string current = Path.GetPathRoot(Path.GetFullPath(path)) ?? "/";
        int links = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part is "" or ".") continue;
            if (part == "..") { current = Path.GetDirectoryName(current) ?? current; continue; }
            var next = Path.Combine(current, part);
            string? target = null;
            try { target = new FileInfo(next).LinkTarget; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            if (target is null) { current = next; continue; }
            if (++links > MaxLinks) throw new IOException($"too many levels of symbolic links at '{part}'");
            // The link's target replaces it: an absolute target restarts at the root, a relative one continues from here.
            foreach (var t in Split(target).Reverse()) pending.Push(t);
            if (Path.IsPathRooted(target)) current = Path.GetPathRoot(target) ?? "/";
        }
        return current;
    }

    /// <summary>True when <paramref name="path"/>, links resolved, is <paramref name="root"/> (links resolved) or inside it.</summary>
    public static bool IsInside(string path, string root) => IsUnder(RealPath(path), RealPath(root));

    /// <summary>The plain string test on already resolved absolute paths.</summary>
    public static bool IsUnder(string fullPath, string root)
    {
        var r = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var p = Path.TrimEndingDirectorySeparator(Path.GetFullPath(fullPath));
        return p == r || p.StartsWith(r + Path.DirectorySeparatorChar, StringComparison.Ordinal) || r == "/";
    }

    /// <summary>Why a path written in a dataset's index cannot be used, or null when its form is fine: it must be
    /// relative and must not climb with '..' (backslashes count as separators, as Windows-made files use them).</summary>
    public static string? IndexPathProblem(string relative)
    {
        if (Path.IsPathRooted(relative) || relative.StartsWith('\\') || (relative.Length > 1 && relative[1] == ':'))
            return "is an absolute path; index paths must be relative to the dataset's images folder";
        if (relative.Split('/', '\\').Any(p => p == ".."))
            return "climbs out with '..'; index paths must stay inside the dataset's images folder";
        if (relative.Any(char.IsControl)) return "contains control characters";
        return null;
    }

    static IEnumerable<string> Split(string path) =>
        path.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
}
