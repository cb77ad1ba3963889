// Reads a class the user named (by name or by output index) and checks that the model has it.
using System.Globalization;

namespace Dissection.Core.Attacks;

public static class TargetClass
{
    /// <summary>
    /// A class name matches ignoring case and '_', '-', ' ' differences ("Living room" = "living_room"); a plain
    /// number is an output index. A name wins over an index when a class is literally called "3".
    /// </summary>
    /// <exception cref="ArgumentException">no such class; the message lists the classes.</exception>
    public static int Resolve(string text, IReadOnlyList<string>? names, int classes)
    {
        var t = (text ?? "").Trim();
        if (t.Length == 0) throw new ArgumentException("no target class was given");
        if (names is not null)
        {
            var key = Key(t);
            for (var i = 0; i < names.Count; i++) if (Key(names[i]) == key) return i;
        }
        if (int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            return index < classes ? index
                : throw new ArgumentException($"class index {index} is out of range: the model has {classes} classes (0..{classes - 1})");
        var listed = names is null || names.Count == 0
            ? $"the model has no class names; give an index 0..{classes - 1}"
            : "classes: " + string.Join(", ", names.Take(40)) + (names.Count > 40 ? $", ... ({names.Count} in all)" : "");
        throw new ArgumentException($"unknown class '{t}'; {listed}");
    }

    private static string Key(string name) =>
        string.Join(' ', name.ToLowerInvariant().Split(['_', '-', ' '], StringSplitOptions.RemoveEmptyEntries));
}
