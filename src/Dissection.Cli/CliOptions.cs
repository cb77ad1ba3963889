// Option builders the verbs share (--db, --run, --device, --cache, comma lists, numbers with a lower bound), so each
// option has one name, one default and one help line across the command line. Range and list errors name the option.
using System.CommandLine;
using System.Globalization;
using Dissection.Core.Storage;

namespace Dissection.Cli;

internal static class CliOptions
{
    public static Option<string> Db(string description = "results database") =>
        new("--db") { Description = description, HelpName = "PATH", DefaultValueFactory = _ => ResultsStore.DefaultPath };

    public static Option<string> Cache() =>
        new("--cache") { Description = "scratch folder", HelpName = "DIR", DefaultValueFactory = _ => CliJobs.DefaultCache };

    public static Option<string> Device() =>
        new("--device") { Description = "where the model runs: auto | cpu | cuda", HelpName = "D", DefaultValueFactory = _ => "auto" };

    public static Option<long?> Run(string description, bool required = true) =>
        new("--run") { Description = description, HelpName = "ID", Required = required, CustomParser = r => Whole<long>(r, long.TryParse) };

    /// <summary>An optional whole-number option such as a seed (null when not given).</summary>
    public static Option<long?> Long(string name, string description, string helpName = "N") =>
        new(name) { Description = description, HelpName = helpName, CustomParser = r => Whole<long>(r, long.TryParse) };

    /// <summary>A whole-number option with a default, e.g. --seed.</summary>
    public static Option<long> Long(string name, string description, long fallback, string helpName = "N") =>
        new(name) { Description = description, HelpName = helpName, DefaultValueFactory = _ => fallback, CustomParser = r => Whole<long>(r, long.TryParse) ?? fallback };

    public static Option<string> Text(string name, string description, string? helpName = null, bool required = false) =>
        new(name) { Description = description, HelpName = helpName, Required = required };

    /// <summary>A text option with a default.</summary>
    public static Option<string> TextOr(string name, string description, string fallback, string? helpName = null) =>
        new(name) { Description = description, HelpName = helpName, DefaultValueFactory = _ => fallback };

    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    /// <summary>An integer option with a default, refused below <paramref name="min"/>.</summary>
    public static Option<int> Int(string name, string description, int fallback, int min = int.MinValue, string helpName = "N") =>
        new(name)
        {
            Description = description, HelpName = helpName, DefaultValueFactory = _ => fallback,
            CustomParser = r => AtLeast(r, Whole<int>(r, int.TryParse), min) ?? fallback,
        };

    /// <summary>An optional integer option (null when not given), refused below <paramref name="min"/>.</summary>
    public static Option<int?> OptionalInt(string name, string description, int min = int.MinValue, string helpName = "N") =>
        new(name) { Description = description, HelpName = helpName, CustomParser = r => AtLeast(r, Whole<int>(r, int.TryParse), min) };

    // The bound is checked in the parser, not in a validator: a validator that reads a value which failed to parse throws.
    private static int? AtLeast(System.CommandLine.Parsing.ArgumentResult r, int? value, int min)
    {
        if (value is { } v && v < min) r.AddError($"{OptionName(r)} must be at least {min}, got {v}");
        return value;
    }

    public static Option<double> Number(string name, string description, double fallback, string helpName = "X") =>
        new(name) { Description = description, HelpName = helpName, DefaultValueFactory = _ => fallback, CustomParser = r => Real(r) ?? fallback };

    /// <summary>An optional number (null when not given).</summary>
    public static Option<double?> OptionalNumber(string name, string description, string helpName = "X") =>
        new(name) { Description = description, HelpName = helpName, CustomParser = Real };

    private delegate bool TryParse<T>(string s, NumberStyles style, IFormatProvider provider, out T value);

    /// <summary>The option's one value as a whole number; a bad one is refused naming the option and the value.</summary>
    private static T? Whole<T>(System.CommandLine.Parsing.ArgumentResult r, TryParse<T> parse) where T : struct
    {
        if (r.Tokens.Count == 0) return null;
        var text = r.Tokens[0].Value;
        if (parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)) return v;
        r.AddError($"{OptionName(r)} must be a whole number, got '{text}'");
        return null;
    }

    private static double? Real(System.CommandLine.Parsing.ArgumentResult r)
    {
        if (r.Tokens.Count == 0) return null;
        var text = r.Tokens[0].Value;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) return v;
        r.AddError($"{OptionName(r)} must be a number, got '{text}'");
        return null;
    }

    private static string OptionName(System.CommandLine.Parsing.ArgumentResult r) =>
        r.Parent is System.CommandLine.Parsing.OptionResult o ? o.Option.Name : "the value";

    /// <summary>One of a few words, case-insensitive; anything else is refused naming the option and the words. Help
    /// shows the words, and completion offers them.</summary>
    public static Option<string> Choice(string name, string description, string fallback, params string[] choices)
    {
        var o = new Option<string>(name) { Description = description, HelpName = string.Join('|', choices), DefaultValueFactory = _ => fallback };
        o.CompletionSources.Add(choices);
        o.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is { } v && !choices.Contains(v, StringComparer.OrdinalIgnoreCase))
                r.AddError($"{name} must be {string.Join(" or ", choices)}, got '{v}'");
        });
        return o;
    }

    /// <summary>A comma-separated list, e.g. --layers a,b.</summary>
    public static Option<IReadOnlyList<string>> List(string name, string description, string helpName = "a,b") =>
        new(name)
        {
            Description = description, HelpName = helpName,
            CustomParser = r => r.Tokens.Count == 0 ? [] : r.Tokens[0].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        };

    /// <summary>Comma-separated integers, e.g. --g-widths 128,64; a bad entry is refused naming the option.</summary>
    public static Option<int[]?> Ints(string name, string description, string helpName = "LIST") =>
        new(name)
        {
            Description = description, HelpName = helpName,
            CustomParser = r => Parse(r, s => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture), "integers"),
        };

    /// <summary>Comma-separated numbers, e.g. --mean 0.485,0.456,0.406.</summary>
    public static Option<float[]?> Floats(string name, string description, string helpName = "r,g,b") =>
        new(name)
        {
            Description = description, HelpName = helpName,
            CustomParser = r => Parse(r, s => float.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture), "numbers"),
        };

    /// <summary>The values of an Ints/Floats option, or null when it was not given (System.CommandLine gives an array
    /// option that was not given an empty array, which the engine would take as "no values").</summary>
    public static T[]? ValuesOrNull<T>(this ParseResult parse, Option<T[]?> option) => parse.GetValue(option) is { Length: > 0 } v ? v : null;

    private static T[]? Parse<T>(System.CommandLine.Parsing.ArgumentResult r, Func<string, T> parse, string what)
    {
        if (r.Tokens.Count == 0) return null;
        var parts = r.Tokens[0].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var values = new T[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            try { values[i] = parse(parts[i]); }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                r.AddError($"{OptionName(r)} must be comma-separated {what}; '{parts[i]}' is not one");
                return null;
            }
        }
        return values;
    }
}
