// Numbers read from a page's URL. A link is text anyone can edit: a value that is not a number of the right size
// (`image=99999999999`, `seed=abc`) must not blank the view with a type-conversion error, so pages take such
// parameters as text, read them here, and show one notice naming each parameter that was ignored.
using System.Globalization;

namespace Dissection.Dashboard.Services;

public static class QueryNumbers
{
    public static int? Int(string? text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    public static long? Long(string? text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    /// <summary>A notice naming each parameter that is present but does not read as its kind, or null when all do.</summary>
    public static string? Notice(params (string Name, string? Text, bool Reads)[] values)
    {
        var bad = values.Where(v => !string.IsNullOrEmpty(v.Text) && !v.Reads)
            .Select(v => $"'{v.Name}' ({Clip(v.Text!)})").ToList();
        return bad.Count == 0 ? null
            : $"The link's {string.Join(" and ", bad)} {(bad.Count == 1 ? "is" : "are")} not a whole number in range, so " +
              $"{(bad.Count == 1 ? "it was" : "they were")} ignored; the rest of the link is shown.";
    }

    private static string Clip(string text) => text.Length <= 24 ? text : text[..24] + "…";
}
