// A layer of a run as the /compare page writes it in its URL: "RUN:LAYER", e.g. "3:layer4.2".
using System.Globalization;

namespace Dissection.Dashboard.Gallery;

public sealed record LayerRef(long Run, string Layer)
{
    /// <summary>Reads "RUN:LAYER". The run is the number before the first ':'; the layer is the rest, so layer
    /// names may contain ':' themselves. Returns false with a message saying what is wrong.</summary>
    public static bool TryParse(string? text, out LayerRef? value, out string? problem)
    {
        value = null;
        problem = null;
        var t = text?.Trim() ?? "";
        var colon = t.IndexOf(':');
        if (t.Length == 0) problem = "is empty";
        else if (colon < 0) problem = $"'{t}' has no ':'; expected RUN:LAYER, e.g. 1:conv5";
        else if (!long.TryParse(t.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var run) || run <= 0)
            problem = $"'{t[..colon]}' is not a run number; expected RUN:LAYER, e.g. 1:conv5";
        else if (colon == t.Length - 1) problem = $"'{t}' names no layer; expected RUN:LAYER, e.g. {run}:conv5";
        else value = new LayerRef(run, t[(colon + 1)..]);
        return value is not null;
    }

    public override string ToString() => Run.ToString(CultureInfo.InvariantCulture) + ":" + Layer;
}
