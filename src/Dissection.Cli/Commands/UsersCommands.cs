// `dissect users add|remove|list`: the dashboard's shared-mode accounts in the results database. Passwords are read
// from standard input (--password-stdin) or typed at a prompt, never taken as an option, which `ps` would show.
using System.CommandLine;
using Dissection.Core.Accounts;
using Dissection.Core.Storage;

namespace Dissection.Cli.Commands;

public sealed class UsersAddCommand : Verb
{
    private readonly Option<string> _db = CliOptions.Db();
    private readonly Option<string> _name = CliOptions.Text("--name", "user name (letters, digits, . - _ @)", "NAME", required: true);
    private readonly Option<string> _role = CliOptions.Choice("--role", "viewer | editor | admin", "viewer", "viewer", "editor", "admin");
    private readonly Option<bool> _fromStdin = CliOptions.Flag("--password-stdin", "read the password from the first line of standard input (else it is asked for)");

    public UsersAddCommand() : base("add", "add a dashboard user (shared mode) or change a user's role and password") =>
        Add(_db, _name, _role, _fromStdin);

    public override string Group => "users";

    protected override int Run(ParseResult parse, CancellationToken cancel)
    {
        var db = parse.GetValue(_db)!;
        var name = parse.GetValue(_name)!;
        var role = DashboardRoles.Parse(parse.GetValue(_role)!);
        var fromStdin = parse.GetValue(_fromStdin);
        var password = fromStdin ? Console.In.ReadLine() ?? "" : Prompt($"password for {name}: ");
        using var store = ResultsStore.Open(db);
        var existed = store.GetUser(name) is not null;
        UserAccounts.Save(store, name, role, password);
        Console.WriteLine($"{(existed ? "updated" : "added")} {name} ({DashboardRoles.Name(role)})");
        return 0;
    }

    /// <summary>Reads a line without echoing it when a terminal is attached.</summary>
    private static string Prompt(string text)
    {
        if (Console.IsInputRedirected) return Console.In.ReadLine() ?? "";
        Console.Write(text);
        var chars = new List<char>();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
            if (key.Key == ConsoleKey.Backspace) { if (chars.Count > 0) chars.RemoveAt(chars.Count - 1); }
            else if (!char.IsControl(key.KeyChar)) chars.Add(key.KeyChar);
        Console.WriteLine();
        return new string(chars.ToArray());
    }
}

public sealed class UsersRemoveCommand : Verb
{
    private readonly Option<string> _db = CliOptions.Db();
    private readonly Option<string> _name = CliOptions.Text("--name", "user to remove", "NAME", required: true);

    public UsersRemoveCommand() : base("remove", "remove a dashboard user") => Add(_db, _name);

    public override string Group => "users";

    protected override int Run(ParseResult parse, CancellationToken cancel)
    {
        var db = parse.GetValue(_db)!;
        var name = parse.GetValue(_name)!;
        if (!File.Exists(db)) throw new FileNotFoundException($"no results database at {db}");
        using var store = ResultsStore.Open(db);
        if (!UserAccounts.Remove(store, name)) throw new ArgumentException($"there is no user '{name}'");
        Console.WriteLine($"removed {name}");
        return 0;
    }
}

public sealed class UsersListCommand : Verb
{
    private readonly Option<string> _db = CliOptions.Db();

    public UsersListCommand() : base("list", "list the dashboard's users and their roles") => Add(_db);

    public override string Group => "users";

    protected override int Run(ParseResult parse, CancellationToken cancel)
    {
        var db = parse.GetValue(_db)!;
        if (!File.Exists(db)) throw new FileNotFoundException($"no results database at {db}");
        using var store = ResultsStore.Open(db);
        var users = UserAccounts.List(store);
        if (users.Count == 0) Console.WriteLine("no users (shared mode needs at least one: dissect users add --name NAME --role admin)");
        foreach (var u in users) Console.WriteLine($"{u.Name}\t{DashboardRoles.Name(u.Role)}");
        return 0;
    }
}
