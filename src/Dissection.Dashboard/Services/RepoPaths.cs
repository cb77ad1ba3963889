// Where the repository root is, so that relative settings mean the same thing under `dotnet run`, the built dll and tests.
namespace Dissection.Dashboard.Services;

public sealed class RepoPaths
{
    public const string SolutionFile = "Dissection.Dashboard.sln";

    public RepoPaths(string root, DashboardOptions options)
    {
        Root = root;
        Database = Resolve(options.Database);
        CacheFolder = Resolve(options.CacheFolder);
        DataFolders = options.DataFolders.Select(Resolve).ToArray();
        ModelFolders = options.ModelFolders.Select(Resolve).ToArray();
    }

    public string Root { get; }
    public string Database { get; }
    public string CacheFolder { get; }
    public IReadOnlyList<string> DataFolders { get; }
    public IReadOnlyList<string> ModelFolders { get; }

    /// <summary>Where the dashboard writes what users make (saved uploads, generated samples): the first data folder,
    /// so the path rules that cover reading cover these too.</summary>
    public string WritableDataFolder => DataFolders.Count > 0 ? DataFolders[0] : Resolve("data");

    /// <summary>A folder under WritableDataFolder as runs store it: relative to the root when inside it (as the CLI
    /// stores data/...), absolute otherwise.</summary>
    public string UnderWritableData(params string[] parts)
    {
        var full = Path.Combine([WritableDataFolder, .. parts]);
        var relative = Path.GetRelativePath(Root, full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
    }

    /// <summary>An absolute path as is; a relative one against the repository root.</summary>
    public string Resolve(string path) =>
        Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(Root, path));

    /// <summary>The first folder at or above one of the start folders that holds the solution file;
    /// falls back to the first start folder (an installed copy without the sources).</summary>
    public static string FindRoot(params string?[] starts)
    {
        foreach (var start in starts)
        {
            if (string.IsNullOrEmpty(start)) continue;
            for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, SolutionFile))) return dir.FullName;
        }
        return Path.GetFullPath(starts.First(s => !string.IsNullOrEmpty(s))!);
    }
}
