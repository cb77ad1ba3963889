// A checkpoint whose keys or shapes do not fit the architecture: one readable message listing every difference.
namespace Dissection.Core.Models;

/// <summary>Derives from IOException (InvalidDataException is sealed) so the CLI and dashboard report it as bad input,
/// not a crash: Program.cs prints IOException messages as one line.</summary>
public sealed class CheckpointMismatchException : IOException
{
    // The message lists at most this many keys per kind, so a completely wrong file stays one readable line.
    private const int MaxListed = 20;

    public string Checkpoint { get; }
    public IReadOnlyList<string> MissingKeys { get; }
    public IReadOnlyList<string> UnexpectedKeys { get; }
    /// <summary>Each entry reads "key: expected [a,b] got [c,d]".</summary>
    public IReadOnlyList<string> ShapeDifferences { get; }

    public CheckpointMismatchException(string checkpoint, string arch, IReadOnlyList<string> missing,
        IReadOnlyList<string> unexpected, IReadOnlyList<string> shapeDifferences)
        : base(Describe(checkpoint, arch, missing, unexpected, shapeDifferences))
    {
        Checkpoint = checkpoint;
        MissingKeys = missing;
        UnexpectedKeys = unexpected;
        ShapeDifferences = shapeDifferences;
    }

    private static string Describe(string checkpoint, string arch, IReadOnlyList<string> missing,
        IReadOnlyList<string> unexpected, IReadOnlyList<string> shapes)
    {
        var parts = new List<string>();
        if (missing.Count > 0) parts.Add($"missing keys ({missing.Count}): {List(missing)}");
        if (unexpected.Count > 0) parts.Add($"unexpected keys ({unexpected.Count}): {List(unexpected)}");
        if (shapes.Count > 0) parts.Add($"shape differences ({shapes.Count}): {List(shapes)}");
        return $"checkpoint '{checkpoint}' does not fit architecture '{arch}': {string.Join("; ", parts)}";
    }

    private static string List(IReadOnlyList<string> items) =>
        string.Join(", ", items.Take(MaxListed)) + (items.Count > MaxListed ? $", ... and {items.Count - MaxListed} more" : "");
}
