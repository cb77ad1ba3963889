// A tiny "--name value" / "--flag" option reader: enough for our verbs, with errors that name the option.
using System.Globalization;

namespace Dissection.Cli;

public sealed class ArgsException(string message) : Exception(message);

public sealed class Args
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public Args(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal))
                throw new ArgsException($"unexpected argument '{a}' (options look like --name value)");
            var eq = a.IndexOf('=');
            if (eq > 0) { _options[a[2..eq]] = a[(eq + 1)..]; continue; }
            var hasValue = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            _options[a[2..]] = hasValue ? args[++i] : null;
        }
    }

    public bool Has(string name) { _read.Add(name); return _options.ContainsKey(name); }

    public bool Flag(string name) => Has(name) && _options[name] is null or "true";

    public string? String(string name)
    {
        _read.Add(name);
        if (!_options.TryGetValue(name, out var v)) return null;
        return v ?? throw new ArgsException($"--{name} needs a value");
    }

    public string String(string name, string fallback) => String(name) ?? fallback;

    public string Required(string name) => String(name) ?? throw new ArgsException($"--{name} is required");

    public int? Int(string name) => Parse(name, s => int.Parse(s, CultureInfo.InvariantCulture), "an integer");
    public int Int(string name, int fallback) => Int(name) ?? fallback;
    public long? Long(string name) => Parse(name, s => long.Parse(s, CultureInfo.InvariantCulture), "an integer");
    public double? Double(string name) => Parse(name, s => double.Parse(s, CultureInfo.InvariantCulture), "a number");
    public double Double(string name, double fallback) => Double(name) ?? fallback;

    /// <summary>Comma-separated list, e.g. --layers a,b.</summary>
    public IReadOnlyList<string> List(string name) =>
        String(name)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    public float[]? Floats(string name) =>
        String(name) is { } s ? s.Split(',').Select(x => Parse(name, x.Trim(), v => float.Parse(v, CultureInfo.InvariantCulture), "numbers")).ToArray() : null;

    /// <summary>Fails on options the command never asked for, so a typo is not silently ignored.</summary>
    public void EnsureAllUsed()
    {
        var unknown = _options.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0) throw new ArgsException($"unknown option(s): {string.Join(", ", unknown.Select(k => "--" + k))}");
    }

    private T? Parse<T>(string name, Func<string, T> parse, string what) where T : struct =>
        String(name) is { } s ? Parse(name, s, parse, what) : null;

    private static T Parse<T>(string name, string s, Func<string, T> parse, string what)
    {
        try { return parse(s); }
        catch (FormatException) { throw new ArgsException($"--{name} must be {what}, got '{s}'"); }
        catch (OverflowException) { throw new ArgsException($"--{name} is out of range: '{s}'"); }
    }
}
