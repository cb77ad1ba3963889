// Thrown when an image cannot be used: missing, corrupt, or too large to decode safely. The message names the file and why.
// (System.IO.InvalidDataException is sealed, so this derives from IOException, which callers already treat as a bad-file error.)
namespace Dissection.Core.Datasets;

public sealed class BadImageException : IOException
{
    public BadImageException(string path, string reason, Exception? inner = null)
        : base($"{path}: {reason}", inner)
    {
        FilePath = path;
        Reason = reason;
    }

    public string FilePath { get; }
    /// <summary>A short reason ("missing", "corrupt", "too large: ..."), suitable for a placeholder thumbnail.</summary>
    public string Reason { get; }
}
