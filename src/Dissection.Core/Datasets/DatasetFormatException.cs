// Thrown when a concept dataset's files break the Broden format; the message names the file and, where known, the line.
// (System.IO.InvalidDataException is sealed, so this derives from IOException, which callers already treat as a bad-file error.)
namespace Dissection.Core.Datasets;

public sealed class DatasetFormatException : IOException
{
    public DatasetFormatException(string message) : base(message) { }
    public DatasetFormatException(string message, Exception inner) : base(message, inner) { }
}
