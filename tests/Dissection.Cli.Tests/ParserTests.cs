// The command line's parsing, in-process on the real command tree: every verb and option has help, a verb's help lists
// its options with their defaults, a misspelt verb or option gets "did you mean", a bad value is refused naming its
// option with exit code 2, and the [suggest] directive completes verbs, options and choices.
using System.CommandLine;

namespace Dissection.Cli.Tests;

public sealed class ParserTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = DissectCli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Every_verb_of_the_readme_is_in_the_tree_and_every_verb_and_option_has_help()
    {
        var root = DissectCli.Root();
        string[] verbs =
        [
            "ablate", "attack", "bench", "bench-ablation", "bench-cluster", "bench-gan", "bench-invert", "bench-share", "edit", "export",
            "gan-context", "gan-paint", "gan-quality", "gan-removal", "generate", "invert", "label", "layers", "run", "silo", "summary",
            "world", "train classifier", "train encoder", "train gan", "train head", "train segmenter",
            "users add", "users list", "users remove",
        ];
        foreach (var verb in verbs)
        {
            Command command = root;
            foreach (var word in verb.Split(' ')) command = command.Subcommands.Single(c => c.Name == word);
            Assert.IsAssignableFrom<Verb>(command);
            Assert.False(string.IsNullOrWhiteSpace(command.Description), verb);
            foreach (var option in command.Options.Where(o => !o.Hidden))
                Assert.False(string.IsNullOrWhiteSpace(option.Description), $"{verb} {option.Name}");
        }
        Assert.Equal(verbs.Length, root.Subcommands.Sum(c => c is Verb ? 1 : c.Subcommands.Count));
    }

    [Fact]
    public void A_verbs_help_lists_its_options_with_defaults_and_required_marks()
    {
        var (code, output, _) = Run("attack", "--help");
        Assert.Equal(0, code);
        Assert.Contains("dissect attack [options]", output);
        Assert.Matches(@"--run <ID> \(REQUIRED\)\s+run whose model and ablation results to use", output);
        Assert.Matches(@"--count <N>\s+images to attack \[default: 200\]", output);
        Assert.Matches(@"--norm <linf\|l2>\s+perturbation norm \[default: linf\]", output);
        Assert.Matches(@"--db <PATH>\s+results database \[default: data/results.db\]", output);
        Assert.Contains("--no-save", output);

        var (trainCode, train, _) = Run("train", "classifier", "-h");
        Assert.Equal(0, trainCode);
        Assert.Contains("dissect train classifier [options]", train);
        Assert.Matches(@"--epochs <N>\s+epochs \[default: 10\]", train);
        Assert.Equal(0, Run("help").Code);
    }

    [Fact]
    public void No_verb_prints_the_verbs_and_exits_with_1()
    {
        var (code, output, _) = Run();
        Assert.Equal(1, code);
        foreach (var verb in new[] { "ablate", "run", "train", "users", "world" }) Assert.Matches($@"\n  {verb}\s", output);
    }

    [Theory]
    [InlineData(new[] { "rn", "--model", "x" }, "'rn' was not matched", "run")]
    [InlineData(new[] { "summary", "--run", "1", "--tpo", "3" }, "'--tpo' was not matched", "--top")]
    [InlineData(new[] { "train", "classifer" }, "'classifer' was not matched", "classifier")]
    public void A_misspelt_verb_or_option_is_refused_with_the_nearest_names(string[] args, string notMatched, string suggestion)
    {
        var (code, output, error) = Run(args);
        Assert.Equal(2, code);
        Assert.Contains(notMatched, output);
        Assert.Contains("Did you mean", output);
        Assert.Contains("\n" + suggestion + "\n", output.Replace("\r", ""));
        Assert.Contains($"Unrecognized command or argument '{args.First(a => notMatched.Contains($"'{a}'"))}'", error);
        Assert.DoesNotContain("Description:", output);   // one line per problem, not the whole help page
    }

    [Theory]
    [InlineData(new[] { "export", "--run", "abc" }, "--run must be a whole number, got 'abc'")]
    [InlineData(new[] { "summary", "--run", "1", "--top", "-1" }, "--top must be at least 0, got -1")]
    [InlineData(new[] { "summary", "--run", "1", "--top", "x" }, "--top must be a whole number, got 'x'")]
    [InlineData(new[] { "label", "--images", "i", "--segmenter", "s", "--out", "o", "--size", "big" }, "--size must be a whole number, got 'big'")]
    [InlineData(new[] { "run", "--model", "m", "--dataset", "d", "--layers", "a", "--iou", "high" }, "--iou must be a number, got 'high'")]
    [InlineData(new[] { "attack", "--run", "1", "--layer", "l", "--dataset", "d", "--target", "t", "--norm", "l3" }, "--norm must be linf or l2, got 'l3'")]
    [InlineData(new[] { "run", "--model", "x", "--dataset", "y", "--layers", "a", "--mean", "0.5,zero,0.5" }, "--mean must be comma-separated numbers; 'zero' is not one")]
    [InlineData(new[] { "run", "--model", "x", "--dataset", "y" }, "Option '--layers' is required.")]
    [InlineData(new[] { "ablate", "--run", "1", "--layer", "l", "--units", "1,x" }, "--units must be 'all' or unit numbers like 1,5,9; 'x' is not a unit number")]
    [InlineData(new[] { "bench-ablation", "--layer", "l" }, "give exactly one of --model and --run")]
    [InlineData(new[] { "generate", "--model", "m", "--out", "o", "--z", "z.npy", "--seed", "3" }, "give either --z FILE or --seed/--count, not both")]
    [InlineData(new[] { "bench-gan", "--model", "m", "--users", "1,500" }, "--users: '500' is not a number of users from 1 to 200")]
    public void A_bad_value_is_refused_naming_its_option_with_exit_code_2(string[] args, string message)
    {
        var (code, _, error) = Run(args);
        Assert.Equal(2, code);
        Assert.Contains(message, error);
        Assert.Contains($"Run 'dissect {args[0]} --help' for the options.", error);
    }

    [Fact]
    public void No_value_of_any_option_of_any_verb_makes_the_parser_throw()
    {
        var root = DissectCli.Root();
        var verbs = root.Subcommands.SelectMany(c => c is Verb ? [(Path: new[] { c.Name }, Command: c)] : c.Subcommands.Select(s => (Path: new[] { c.Name, s.Name }, Command: s)));
        string[] values = ["x", "-1", "0", "99999999999999999999", "1e400", "NaN", "", "1,,2", "§", "--"];
        var parsed = 0;
        foreach (var (path, command) in verbs)
            foreach (var option in command.Options)
                foreach (var value in values)
                {
                    var parse = root.Parse([.. path, option.Name, value]);   // validators and custom parsers run here
                    Assert.All(parse.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
                    parsed++;
                }
        Assert.True(parsed > 1000, $"only {parsed} command lines parsed");
    }

    [Fact]
    public void The_suggest_directive_completes_verbs_options_and_choices()
    {
        Assert.Equal("export", Run("[suggest:11]", "dissect exp").Out.Trim());
        Assert.Equal("--top", Run("[suggest:19]", "dissect summary --t").Out.Trim());
        Assert.Equal(["l2", "linf"], Run("[suggest:23]", "dissect attack --norm l").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
