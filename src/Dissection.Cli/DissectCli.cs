// The `dissect` command tree and how one command line is run: System.CommandLine parses it (help for every verb and
// option, errors that name the option, "did you mean" for typos, the [suggest] directive for shell completion), then
// the verb runs. Exit codes: 0 done, 1 no command given, 2 bad usage or an expected failure (one readable line, no stack
// trace), 130 cancelled.
using System.CommandLine;
using System.CommandLine.Invocation;

namespace Dissection.Cli;

public static class DissectCli
{
    /// <summary>The words that group two-word verbs, with their help line.</summary>
    private static readonly Dictionary<string, string> Groups = new(StringComparer.Ordinal)
    {
        ["train"] = "train the demo models: classifier, head, segmenter, gan",
        ["users"] = "manage the dashboard's shared-mode accounts: add, remove, list",
    };

    /// <summary>Every verb, found by reflection, under one root; two-word verbs under their group word.</summary>
    public static RootCommand Root()
    {
        // Named for help whatever process hosts it (`dotnet dissect.dll`, the apphost, a test).
        var root = new RootCommand("dissect: network dissection from the command line") { HelpName = "dissect" };
        var verbs = typeof(Verb).Assembly.GetTypes()
            .Where(t => typeof(Verb).IsAssignableFrom(t) && !t.IsAbstract)
            .Select(t => (Verb)Activator.CreateInstance(t)!)
            .OrderBy(v => v.Name, StringComparer.Ordinal);
        var groups = new Dictionary<string, Command>(StringComparer.Ordinal);
        foreach (var verb in verbs)
        {
            if (verb.Group is not { } group) { root.Subcommands.Add(verb); continue; }
            if (!groups.TryGetValue(group, out var parent))
            {
                groups[group] = parent = new Command(group, Groups.GetValueOrDefault(group, group));
                root.Subcommands.Add(parent);
            }
            parent.Subcommands.Add(verb);
        }
        // Help lists the verbs and groups alphabetically.
        var sorted = root.Subcommands.OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        root.Subcommands.Clear();
        foreach (var c in sorted) root.Subcommands.Add(c);
        return root;
    }

    /// <summary>Parses and runs one command line. <paramref name="output"/> and <paramref name="error"/> take help and
    /// parse errors (the console when null); the verbs write their results to the console.</summary>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancel = default)
    {
        var config = new InvocationConfiguration
        {
            // Ctrl+C is the caller's: a job must record its own cancellation, however long the engine takes to stop.
            ProcessTerminationTimeout = null,
            EnableDefaultExceptionHandler = false,
        };
        if (output is not null) config.Output = output;
        if (error is not null) config.Error = error;
        var err = error ?? Console.Error;
        var root = Root();
        if (args.Length == 0)
        {
            root.Parse(["--help"]).Invoke(config);
            return 1;
        }
        if (args is ["help"]) args = ["--help"];

        var parse = root.Parse(args);
        if (parse.Action is ParseErrorAction errors)
        {
            // One line per problem and, for a misspelt verb or option, the nearest ones; not the whole help page.
            errors.ShowHelp = false;
            errors.ShowTypoCorrections = true;
            parse.Invoke(config);
            err.WriteLine($"Run '{CommandPath(parse)} --help' for the options.");
            return 2;
        }
        try
        {
            return parse.InvokeAsync(config, cancel).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            err.WriteLine("dissect: cancelled");
            return 130;
        }
        catch (Exception e) when (e is UsageException or IOException or UnauthorizedAccessException or InvalidDataException
                                  or ArgumentException or FormatException or InvalidOperationException)
        {
            // Expected failures (bad options, bad files, bad checkpoints) get one readable line, not a stack trace.
            err.WriteLine($"{CommandPath(parse)}: {e.Message}");
            return 2;
        }
    }

    /// <summary>"dissect train classifier": the words of the command that was parsed.</summary>
    private static string CommandPath(ParseResult parse)
    {
        var words = new List<string>();
        for (var r = parse.CommandResult; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            words.Insert(0, r.Command is RootCommand ? "dissect" : r.Command.Name);
        return string.Join(' ', words);
    }
}
