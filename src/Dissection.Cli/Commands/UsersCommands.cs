// `dissect users add|remove|list`: the dashboard's shared-mode accounts in the results database. Passwords are read
// from standard input (--password-stdin) or typed at a prompt, never taken as an option, which `ps` would show.
using Dissection.Core.Accounts;
using Dissection.Core.Storage;

namespace Dissection.Cli.Commands;

public sealed class UsersAddCommand : ICommand
{
    public string Name => "users add";
    public string Summary => "add a dashboard user (shared mode) or change a user's role and password";
    public string Usage => $"""
          --db PATH             results database (default {ResultsStore.DefaultPath})
          --name NAME           user name (letters, digits, . - _ @)
          --role ROLE           viewer | editor | admin (default viewer)
          --password-stdin      read the password from the first line of standard input (else it is asked for)
        """;

    public int Run(Args args, CancellationToken cancel)
    {
        var db = args.String("db", ResultsStore.DefaultPath);
        var name = args.Required("name");
        var role = DashboardRoles.Parse(args.String("role", "viewer"));
        var fromStdin = args.Flag("password-stdin");
        args.EnsureAllUsed();
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

public sealed class UsersRemoveCommand : ICommand
{
    public string Name => "users remove";
    public string Summary => "remove a dashboard user";
    public string Usage => $"""
          --db PATH             results database (default {ResultsStore.DefaultPath})
          --name NAME           user to remove
        """;

    public int Run(Args args, CancellationToken cancel)
    {
        var db = args.String("db", ResultsStore.DefaultPath);
        var name = args.Required("name");
        args.EnsureAllUsed();
        if (!File.Exists(db)) throw new FileNotFoundException($"no results database at {db}");
        using var store = ResultsStore.Open(db);
        if (!UserAccounts.Remove(store, name)) throw new ArgumentException($"there is no user '{name}'");
        Console.WriteLine($"removed {name}");
        return 0;
    }
}

public sealed class UsersListCommand : ICommand
{
    public string Name => "users list";
    public string Summary => "list the dashboard's users and their roles";
    public string Usage => $"""
          --db PATH             results database (default {ResultsStore.DefaultPath})
        """;

    public int Run(Args args, CancellationToken cancel)
    {
        var db = args.String("db", ResultsStore.DefaultPath);
        args.EnsureAllUsed();
        if (!File.Exists(db)) throw new FileNotFoundException($"no results database at {db}");
        using var store = ResultsStore.Open(db);
        var users = UserAccounts.List(store);
        if (users.Count == 0) Console.WriteLine("no users (shared mode needs at least one: dissect users add --name NAME --role admin)");
        foreach (var u in users) Console.WriteLine($"{u.Name}\t{DashboardRoles.Name(u.Role)}");
        return 0;
    }
}
