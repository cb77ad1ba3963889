// What a failed job tells its user: the engine's own message, unwrapped from reflection and aggregate wrappers,
// with server paths made relative to the repository root (or cut to the file name): never a stack trace.
using System.Text.RegularExpressions;

namespace Dissection.Core.Jobs;

public static partial class JobMessages
{
    /// <param name="root">Paths under this folder are shown relative to it.</param>
    public static string Describe(Exception e, string? root = null)
    {
        while (e is TypeInitializationException or System.Reflection.TargetInvocationException && e.InnerException is { } inner) e = inner;
        if (e is AggregateException { InnerExceptions.Count: 1 } agg) return Describe(agg.InnerExceptions[0], root);
        if (e is NotImplementedException) return "This part of the engine is not available in this build yet.";
        var message = string.IsNullOrWhiteSpace(e.Message) ? e.GetType().Name : e.Message;
        return ScrubPaths(message, root);
    }

    /// <summary>Absolute paths in a message: relative under <paramref name="root"/>, the file name elsewhere.</summary>
    public static string ScrubPaths(string message, string? root)
    {
        if (!string.IsNullOrEmpty(root))
        {
            var prefix = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)) + Path.DirectorySeparatorChar;
            message = message.Replace(prefix, "", StringComparison.Ordinal);
        }
        return AbsolutePath().Replace(message, m => m.Groups["name"].Value);
    }

    [GeneratedRegex(@"(?<![\w.:/-])(?:/[\w.+@-]+)+/(?<name>[\w.+@-]+)")]
    private static partial Regex AbsolutePath();
}
