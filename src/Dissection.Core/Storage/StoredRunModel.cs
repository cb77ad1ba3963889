// The one way from a stored run to what it was made with: its model loaded, its dataset folder. A stored run keeps
// paths as they were given (relative ones travel with the repository), so every caller resolves them against the
// same root: the repository root in the dashboard, the working folder on the command line.
using Dissection.Core.Datasets;
using Dissection.Core.Models;

namespace Dissection.Core.Storage;

public static class StoredRunModel
{
    /// <summary>An absolute path as is; a relative one against <paramref name="root"/>.</summary>
    public static string ResolvePath(string root, string path) =>
        Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(root, path));

    /// <summary>The model text of a run (ARCH or ARCH:CHECKPOINT) with its checkpoint made absolute.</summary>
    public static ModelSpec Spec(string model, string root)
    {
        var spec = ModelSpec.Parse(model);
        return spec.Checkpoint is { } ck ? spec with { Checkpoint = ResolvePath(root, ck) } : spec;
    }

    /// <summary>Loads the run's model. Throws FileNotFoundException naming the checkpoint as the run stored it when
    /// the file is gone.</summary>
    public static LoadedModel Load(RunInfo run, string root, ModelOptions? options = null)
    {
        var spec = Spec(run.Model, root);
        if (spec.Checkpoint is { } ck && !File.Exists(ck))
            throw new FileNotFoundException($"The checkpoint '{ModelSpec.Parse(run.Model).Checkpoint}' of run {run.Id} does not exist any more.");
        return ModelRegistry.Load(spec, options);
    }

    /// <summary>The run's dataset folder, absolute.</summary>
    public static string DatasetFolder(RunInfo run, string root) => ResolvePath(root, run.Dataset);

    /// <summary>Opens the run's dataset. Throws DirectoryNotFoundException naming the folder as the run stored it.</summary>
    public static ConceptDataset OpenDataset(RunInfo run, string root)
    {
        var folder = DatasetFolder(run, root);
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"The dataset folder '{run.Dataset}' of run {run.Id} does not exist any more.");
        return ConceptDataset.Open(folder);
    }
}
