// One verb of the `dissect` command line.
namespace Dissection.Cli;

public interface ICommand
{
    /// <summary>"run", "export", or two words such as "train classifier".</summary>
    string Name { get; }
    string Summary { get; }
    /// <summary>The options, one per line, shown by --help.</summary>
    string Usage { get; }
    /// <returns>The process exit code.</returns>
    int Run(Args args, CancellationToken cancel);
}
