// Finds absolute server paths inside free text (exception messages, job messages) so that they can be rewritten before
// the text reaches a browser or the API. A path here is a '/' followed by path characters, starting a word.
using System.Text.RegularExpressions;

namespace Dissection.Dashboard.Security;

public static partial class ServerPathText
{
    /// <summary>The text with every absolute path replaced by <paramref name="show"/>(path).</summary>
    public static string Replace(string text, Func<string, string> show) =>
        AbsolutePath().Replace(text, m => show(m.Value.TrimEnd('.', ',', ':', ';', ')')) + Trailing(m.Value));

    static string Trailing(string value) => value[value.TrimEnd('.', ',', ':', ';', ')').Length..];

    // Start of text or after a space, quote, bracket or '=': URLs ("http://x/...") and relative paths are left alone.
    [GeneratedRegex(@"(?<=^|[\s'""(\[=])/[^\s'""<>|*?]+")]
    private static partial Regex AbsolutePath();
}
