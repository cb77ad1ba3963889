// One colour per concept category, used by every chart, chip and export so a category looks the same everywhere.
namespace Dissection.Dashboard.Gallery;

public static class CategoryPalette
{
    /// <summary>The categories in the order charts stack them (the paper's order: broad to fine).</summary>
    public static readonly IReadOnlyList<string> Order = ["scene", "object", "part", "material", "texture", "color"];

    private static readonly Dictionary<string, string> Colors = new(StringComparer.OrdinalIgnoreCase)
    {
        ["scene"] = "#2a9d8f",
        ["object"] = "#3a6fd8",
        ["part"] = "#f28e2b",
        ["material"] = "#59a14f",
        ["texture"] = "#9c6ade",
        ["color"] = "#e15759",
    };

    public const string Unknown = "#9e9e9e";

    public static string ColorOf(string? category) =>
        category is not null && Colors.TryGetValue(category, out var c) ? c : Unknown;

    /// <summary>Black or white, whichever reads better on the category's colour (WCAG contrast; both pass 4.5:1 on
    /// every colour of the palette, white alone does not).</summary>
    public static string TextOn(string? category)
    {
        var hex = ColorOf(category);
        double Channel(int i)
        {
            var c = Convert.ToInt32(hex.Substring(1 + 2 * i, 2), 16) / 255.0;
            return c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }
        var luminance = 0.2126 * Channel(0) + 0.7152 * Channel(1) + 0.0722 * Channel(2);
        return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 ? "#fff" : "#111";
    }

    /// <summary>Known categories first in <see cref="Order"/>, then any others alphabetically.</summary>
    public static IEnumerable<string> Sort(IEnumerable<string> categories) =>
        categories.Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderBy(c => Order.IndexOf(c.ToLowerInvariant()) is var i && i >= 0 ? i : int.MaxValue)
            .ThenBy(c => c, StringComparer.Ordinal);

    private static int IndexOf(this IReadOnlyList<string> list, string item)
    {
        for (var i = 0; i < list.Count; i++) if (list[i] == item) return i;
        return -1;
    }
}
