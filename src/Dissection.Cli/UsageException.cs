// A usage error found after parsing (two options that exclude each other, a layer the model lacks): the CLI prints
// its message on one line, naming the option, and exits with 2, as it does for a parse error.
namespace Dissection.Cli;

public sealed class UsageException(string message) : Exception(message);
