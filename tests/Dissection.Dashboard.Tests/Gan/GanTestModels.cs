// Small random ProGAN checkpoints in temp folders, shared by the playground tests: a real file, loaded the way the
// dashboard loads it.
using Dissection.Core.Gan;
using Dissection.Dashboard.Services;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp.PyBridge;
using Dissection.Core.Models;

namespace Dissection.Dashboard.Tests.Gan;

internal sealed class GanTestFolder : IDisposable
{
    public GanTestFolder(bool withModel = true)
    {
        Root = Path.Combine(Path.GetTempPath(), "dd-gan-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Models);
        if (withModel) WriteModel("test-gan");
        Paths = new RepoPaths(Root, new DashboardOptions
        {
            Database = Path.Combine(Root, "results.db"),
            CacheFolder = Path.Combine(Root, "cache"),
            DataFolders = [Root],
            ModelFolders = [Models],
        });
        Store = new StoreAccess(Paths);
        Service = new GanPlaygroundService(Paths, Store, NullLogger<GanPlaygroundService>.Instance, new Dissection.Core.Work.InteractivePriority());
    }

    public string Root { get; }
    public string Models => Path.Combine(Root, "models");
    public RepoPaths Paths { get; }
    public StoreAccess Store { get; }
    public GanPlaygroundService Service { get; }

    /// <summary>32 px, z 16: layer4 is 16 units at 8×8, layer5 12 units at 16×16.</summary>
    public static ProgressiveGenerator NewGenerator()
    {
        var g = new ProgressiveGenerator(ProGanLayout.PerResolution(16, [16, 16, 12, 8]));
        g.InitialiseForTraining(7);
        g.eval();
        return g;
    }

    public string WriteModel(string name)
    {
        var path = Path.Combine(Models, name + ".pt");
        using var g = NewGenerator();
        g.save_py(path);
        return path;
    }

    public void Dispose()
    {
        Service.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
