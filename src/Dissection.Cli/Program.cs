// Entry point of the `dissect` command line. Each verb is one ICommand class in Commands/, found by reflection,
// so adding a verb never touches this file.
using System.Reflection;
using Dissection.Cli;

var commands = typeof(ICommand).Assembly.GetTypes()
    .Where(t => typeof(ICommand).IsAssignableFrom(t) && !t.IsAbstract && !t.IsInterface)
    .Select(t => (ICommand)Activator.CreateInstance(t)!)
    .OrderBy(c => c.Name, StringComparer.Ordinal)
    .ToList();

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine("dissect: network dissection from the command line\n\nCommands:");
    foreach (var c in commands) Console.WriteLine($"  {c.Name,-20} {c.Summary}");
    Console.WriteLine("\nRun 'dissect COMMAND --help' for a command's options.");
    return args.Length == 0 ? 1 : 0;
}

// Two-word verbs ("train classifier") are matched before one-word ones.
var command = commands.Where(c => c.Name.Split(' ').SequenceEqual(args.Take(c.Name.Split(' ').Length)))
    .OrderByDescending(c => c.Name.Split(' ').Length).FirstOrDefault();
if (command is null)
{
    Console.Error.WriteLine($"dissect: unknown command '{args[0]}'. Run 'dissect --help' for the list.");
    return 2;
}

var rest = args.Skip(command.Name.Split(' ').Length).ToArray();
if (rest.Contains("--help") || rest.Contains("-h"))
{
    Console.WriteLine($"dissect {command.Name}: {command.Summary}\n\n{command.Usage}");
    return 0;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); Console.Error.WriteLine("\ncancelling..."); };
try
{
    return command.Run(new Args(rest), cancel.Token);
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("dissect: cancelled");
    return 130;
}
catch (Exception e) when (e is ArgsException or IOException or UnauthorizedAccessException or InvalidDataException
                          or ArgumentException or FormatException or InvalidOperationException)
{
    // Expected failures (bad options, bad files, bad checkpoints) get one readable line, not a stack trace.
    Console.Error.WriteLine($"dissect {command.Name}: {e.Message}");
    return 2;
}
