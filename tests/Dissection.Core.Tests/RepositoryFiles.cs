// Finds files shipped in the repository (data/models/...) from a test's output folder, wherever the build put it.
namespace Dissection.Core.Tests;

internal static class RepositoryFiles
{
    public static string Path(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Dissection.Dashboard.sln"))) return System.IO.Path.Combine(dir.FullName, relative);
        throw new FileNotFoundException($"no repository above {AppContext.BaseDirectory}");
    }
}
