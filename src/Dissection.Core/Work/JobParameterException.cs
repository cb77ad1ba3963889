// The one error a piece of work's settings raise when a field is missing or out of range: the CLI prints it next to
// the flag, the dashboard's forms next to the field, and the job executor fails the job with it.
namespace Dissection.Core.Work;

/// <summary>A parameter is missing or out of range; <see cref="Field"/> names it as the form and the CLI call it.</summary>
public sealed class JobParameterException(string field, string message) : ArgumentException(message)
{
    public string Field { get; } = field;
}
