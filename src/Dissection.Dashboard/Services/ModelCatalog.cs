// What the "New run" dialog can offer: registered architectures, checkpoints and datasets inside the allowed
// folders, and a model's layers (listed in the background: it loads the model and runs one forward pass).
using System.Collections.Concurrent;
using Dissection.Core.Instrumentation;
using Dissection.Core.Models;

namespace Dissection.Dashboard.Services;

public sealed class ModelCatalog(RepoPaths paths, PathPolicy policy)
{
    private static readonly string[] CheckpointExtensions = [".pt", ".pth", ".safetensors", ".onnx", ".bin", ".dat"];
    private readonly ConcurrentDictionary<string, Lazy<Task<IReadOnlyList<LayerInfo>>>> _layers = new();

    /// <summary>Registered architecture names, or an empty list with the reason.</summary>
    public (IReadOnlyList<string> Names, string? Problem) Architectures()
    {
        try { return (ModelRegistry.Architectures, null); }
        catch (Exception e) { return ([], JobQueue.Describe(e)); }
    }

    /// <summary>Checkpoint files inside the allowed model folders, as repository-relative paths.</summary>
    public IReadOnlyList<string> Checkpoints() =>
        paths.ModelFolders.Where(Directory.Exists)
            .SelectMany(d => SafeFiles(d))
            .Where(f => CheckpointExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Select(policy.Display).Distinct().Order().ToList();

    /// <summary>Concept datasets (folders with an index.csv) up to three levels inside the allowed data folders.</summary>
    public IReadOnlyList<string> Datasets() =>
        paths.DataFolders.Where(Directory.Exists)
            .SelectMany(d => Folders(d, 3))
            .Where(d => File.Exists(Path.Combine(d, "index.csv")))
            .Select(policy.Display).Distinct().Order().ToList();

    /// <summary>The model's probe-able layers with shapes. Cached per model; a failure is not cached.</summary>
    public Task<IReadOnlyList<LayerInfo>> ListLayersAsync(string arch, string? checkpoint)
    {
        var spec = new ModelSpec(arch, string.IsNullOrWhiteSpace(checkpoint) ? null : policy.ResolveCheckpoint(checkpoint));
        var key = spec.ToString();
        var lazy = _layers.GetOrAdd(key, _ => new Lazy<Task<IReadOnlyList<LayerInfo>>>(() => Task.Run(() =>
        {
            using var model = ModelRegistry.Load(spec);
            return model.Instrumented.Layers();
        })));
        return Watch(key, lazy.Value);
    }

    private async Task<IReadOnlyList<LayerInfo>> Watch(string key, Task<IReadOnlyList<LayerInfo>> task)
    {
        try { return await task; }
        catch { _layers.TryRemove(key, out _); throw; }
    }

    private static IEnumerable<string> SafeFiles(string dir)
    {
        try { return Directory.EnumerateFiles(dir, "*", new EnumerationOptions
        {
            RecurseSubdirectories = true, MaxRecursionDepth = 4, IgnoreInaccessible = true,
            // Never list through a link: a linked folder could lead anywhere. Hidden and system stay skipped as by default.
            AttributesToSkip = FileAttributes.ReparsePoint | FileAttributes.Hidden | FileAttributes.System,
        }).ToList(); }
        catch (IOException) { return []; }
    }

    private static IEnumerable<string> Folders(string dir, int depth)
    {
        yield return dir;
        if (depth == 0) yield break;
        string[] subs;
        try { subs = Directory.GetDirectories(dir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { yield break; }
        foreach (var s in subs.Where(s => !Path.GetFileName(s).StartsWith('.') && Path.GetFileName(s) != "images" && new DirectoryInfo(s).LinkTarget is null))
            foreach (var f in Folders(s, depth - 1)) yield return f;
    }
}
