// Runs the built `dissect` (the apphost the build copies beside the tests) as a real process in a working folder,
// with its exit code and both streams; and finds the repository's shipped models.
using System.Diagnostics;

namespace Dissection.Cli.Tests;

internal static class DissectProcess
{
    public static (int Code, string Out, string Err) Run(string folder, params string[] args)
    {
        using var p = Start(folder, args);
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(10))) { p.Kill(entireProcessTree: true); throw new TimeoutException($"dissect {string.Join(' ', args)} ran past 10 minutes"); }
        return (p.ExitCode, output, err.Result);
    }

    public static Process Start(string folder, params string[] args)
    {
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "dissect"))
        {
            WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi) ?? throw new InvalidOperationException("could not start dissect");
    }

    /// <summary>A file shipped in the repository (data/models/...), found above the test's output folder.</summary>
    public static string RepositoryFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Dissection.Dashboard.sln"))) return Path.Combine(dir.FullName, relative);
        throw new FileNotFoundException($"no repository above {AppContext.BaseDirectory}");
    }
}
