// Finds absolute server paths inside free text (exception messages, job messages, a run's model and dataset) so that
// they can be rewritten before the text reaches a browser or the API. A path here is a '/' not followed by another '/',
// at the start of the text or after a space, quote, bracket, '=' or ':' (as in "world-vgg:/srv/x.pt"); so URLs
// ("http://x/...", where the slash after ':' is doubled) and relative paths are left alone.
using System.Text.RegularExpressions;

namespace Dissection.Dashboard.Security;

public static partial class ServerPathText
{
    private static Func<string, string> _show = p => Path.GetFileName(p.TrimEnd('/')) is { Length: > 0 } name ? name : "(server folder)";

    /// <summary>Sets how a path is shown in <see cref="ForBrowser"/> (the app's PathPolicy.Show: relative to an allowed
    /// folder). Until then, and in tests without an app, only the file name is shown: never the whole path.</summary>
    public static void Configure(Func<string, string> show) => _show = show;

    /// <summary>Text for a browser or the API: every absolute path rewritten as configured.</summary>
    public static string ForBrowser(string? text) => Replace(text ?? "", _show);

    /// <summary>The text with every absolute path replaced by <paramref name="show"/>(path).</summary>
    public static string Replace(string text, Func<string, string> show) =>
        AbsolutePath().Replace(text, m => show(Core(m.Value)) + m.Value[Core(m.Value).Length..]);

    /// <summary>The path without the sentence's punctuation after it.</summary>
    static string Core(string value) => value.TrimEnd('.', ',', ':', ';', ')', ']');

    [GeneratedRegex(@"(?<=^|[\s'""(\[=:])/(?!/)[^\s'""<>|*?]+")]
    private static partial Regex AbsolutePath();
}
