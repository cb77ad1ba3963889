// The architecture the READMEs draw, checked on the compiled assemblies: Core's folders (namespaces) form layers with
// no cycle between them, Core knows nothing of the web, and dashboard pages reach the engine through services, never
// holding tensor code. A new dependency that breaks one of these fails here, naming the types involved.
using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using Dissection.Core.Storage;

namespace Dissection.Dashboard.Tests.Architecture;

public class LayeringTests
{
    private static readonly System.Reflection.Assembly Core = typeof(ResultsStore).Assembly;
    private static readonly System.Reflection.Assembly Dashboard = typeof(Program).Assembly;

    private static readonly ArchUnitNET.Domain.Architecture Compiled =
        new ArchLoader().LoadAssemblies(Core, Dashboard).Build();

    [Fact]
    public void Core_folders_depend_on_each_other_without_cycles()
    {
        // A folder is the namespace segment below Dissection.Core; sub-namespaces (Jobs.Kinds, Models.Onnx) belong to
        // their folder. (ArchUnitNET's own slice rule, Slices().Matching("Dissection.Core.(*).."), keeps Models.Onnx
        // a slice of its own in 0.13.5, so the folders are grouped here and the cycle search is ours.)
        var edges = new Dictionary<string, Dictionary<string, string>>();
        foreach (var type in Compiled.Types)
        {
            if (Folder(type.FullName) is not { } from) continue;
            foreach (var d in type.Dependencies)
            {
                if (Folder(d.Target.FullName) is not { } to || to == from) continue;
                if (!edges.TryGetValue(from, out var targets)) edges[from] = targets = [];
                targets.TryAdd(to, $"{type.FullName} -> {d.Target.FullName}");
            }
        }
        var cycles = Cycles(edges);
        Assert.True(cycles.Count == 0, "Core's folders import each other in a cycle:\n" + string.Join("\n", cycles));
    }

    /// <summary>The Core folder of a full type name, or null for a type outside Core's folders.</summary>
    private static string? Folder(string fullName)
    {
        const string prefix = "Dissection.Core.";
        if (!fullName.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var rest = fullName[prefix.Length..];
        var dot = rest.IndexOf('.');
        return dot < 0 ? null : rest[..dot];
    }

    /// <summary>Each cycle found by a depth-first search, as "A -> B -> A" with one witnessing type dependency per step.</summary>
    private static List<string> Cycles(Dictionary<string, Dictionary<string, string>> edges)
    {
        var cycles = new List<string>();
        var done = new HashSet<string>();
        var path = new List<string>();
        void Visit(string node)
        {
            var at = path.IndexOf(node);
            if (at >= 0)
            {
                var loop = path[at..].Append(node).ToList();
                cycles.Add(string.Join(" -> ", loop) + ": " +
                    string.Join("; ", loop.Zip(loop.Skip(1), (a, b) => edges[a][b])));
                return;
            }
            if (!done.Add(node)) return;
            path.Add(node);
            foreach (var next in edges.GetValueOrDefault(node)?.Keys ?? Enumerable.Empty<string>()) Visit(next);
            path.RemoveAt(path.Count - 1);
        }
        foreach (var node in edges.Keys.Order()) Visit(node);
        return cycles;
    }

    [Fact]
    public void Core_references_no_web_assembly()
    {
        string[] web = ["Microsoft.AspNetCore", "Microsoft.JSInterop", "MudBlazor", "Plotly.Blazor", "Dissection.Dashboard"];
        var references = Core.GetReferencedAssemblies().Select(a => a.Name ?? "").ToList();
        var webReferences = references.Where(r => web.Any(w => r.StartsWith(w, StringComparison.Ordinal))).ToList();
        Assert.True(webReferences.Count == 0, "Core references " + string.Join(", ", webReferences));
        // The same seen from the types, so a web type reached through a shared assembly is caught too.
        // Identity's password hasher lives in Microsoft.Extensions.Identity.Core, a plain library (no web runtime) that
        // only borrows the Microsoft.AspNetCore.Identity namespace; accounts are hashed by it in Core so the CLI's
        // `dissect users` and the dashboard share one implementation.
        string[] allowed = ["Microsoft.AspNetCore.Identity.PasswordHasher", "Microsoft.AspNetCore.Identity.PasswordVerificationResult"];
        var uses = TypesDependingOn(t => t.Namespace.FullName.StartsWith("Dissection.Core", StringComparison.Ordinal),
            name => web.Any(w => name.StartsWith(w + ".", StringComparison.Ordinal)) && !allowed.Any(a => name.StartsWith(a, StringComparison.Ordinal)));
        Assert.True(uses.Count == 0, "Core uses web types:\n" + string.Join("\n", uses));
    }

    [Fact]
    public void Dashboard_pages_touch_no_TorchSharp()
    {
        var uses = TypesDependingOn(
            t => t.Namespace.FullName.StartsWith("Dissection.Dashboard.Components.Pages", StringComparison.Ordinal),
            name => name.StartsWith("TorchSharp.", StringComparison.Ordinal));
        Assert.True(uses.Count == 0, "Dashboard pages use TorchSharp (go through a service):\n" + string.Join("\n", uses));
    }

    /// <summary>"Type -> dependency" for every type chosen by <paramref name="from"/> that depends on a type whose
    /// full name <paramref name="forbidden"/> accepts.</summary>
    private static List<string> TypesDependingOn(Func<IType, bool> from, Func<string, bool> forbidden) =>
        Compiled.Types.Where(from)
            .SelectMany(t => t.Dependencies.Select(d => d.Target.FullName).Where(forbidden).Distinct().Select(d => $"{t.FullName} -> {d}"))
            .ToList();
}
