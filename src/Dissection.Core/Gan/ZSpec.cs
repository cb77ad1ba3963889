// A z dataset as named on the command line and in the dashboard: "z:SEED:COUNT" — the first COUNT latents of
// ZDataset.FromSeed(zDim, SEED, …). Seeds are limited to 0…int.MaxValue so that every seed a URL or a form carries
// is one the generator accepts; anything else is a clear error, never a silent wrap-around.
using System.Globalization;

namespace Dissection.Core.Gan;

public sealed record ZSpec(long Seed, int Count)
{
    public const string Prefix = "z:";
    public const long MaxSeed = int.MaxValue;
    public const int MaxCount = 1_000_000;

    public static bool IsZSpec(string? text) => text is not null && text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    /// <exception cref="ArgumentException">not z:SEED:COUNT, or a seed or count out of range (the message says which).</exception>
    public static ZSpec Parse(string text)
    {
        if (!IsZSpec(text)) throw new ArgumentException($"'{text}' is not a z dataset; expected z:SEED:COUNT, e.g. z:1:10000");
        var parts = text[Prefix.Length..].Split(':');
        if (parts.Length != 2) throw new ArgumentException($"'{text}': expected z:SEED:COUNT, e.g. z:1:10000");
        return new ZSpec(CheckSeed(parts[0], text), CheckCount(parts[1], text));
    }

    /// <summary>A seed given as text (a URL's ?seed=, an option).</summary>
    /// <exception cref="ArgumentException">not an integer in 0…MaxSeed.</exception>
    public static long CheckSeed(string seed, string? context = null)
    {
        if (!long.TryParse(seed.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < 0 || value > MaxSeed)
            throw new ArgumentException($"{(context is null ? "" : $"'{context}': ")}seed '{seed}' is out of range; seeds are integers from 0 to {MaxSeed}");
        return value;
    }

    private static int CheckCount(string count, string context)
    {
        if (!int.TryParse(count.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < 1 || value > MaxCount)
            throw new ArgumentException($"'{context}': count '{count}' is out of range; a z dataset has 1 to {MaxCount} samples");
        return value;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Seed}:{Count}");
}
