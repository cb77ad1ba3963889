// One verb of the `dissect` command line: a System.CommandLine command that declares its typed options (help, defaults,
// validation naming the option, completion) and does its work in Run. Verbs are found by reflection (DissectCli), so
// adding one never touches the entry point; a verb with a Group ("train", "users") is a subcommand of that group.
using System.CommandLine;

namespace Dissection.Cli;

public abstract class Verb : Command
{
    protected Verb(string name, string description) : base(name, description) =>
        SetAction((parse, cancel) => Task.FromResult(Run(parse, cancel)));

    /// <summary>The group word of a two-word verb ("train" for `dissect train classifier`); null for a top-level verb.</summary>
    public virtual string? Group => null;

    /// <returns>The process exit code.</returns>
    protected abstract int Run(ParseResult parse, CancellationToken cancel);

    /// <summary>Adds the verb's options in the order help lists them.</summary>
    protected void Add(params Option[] options)
    {
        foreach (var o in options) Options.Add(o);
    }
}
